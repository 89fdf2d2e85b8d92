package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's side of the shutdown and call-id rules of {@code docs/rpc-protocol.md}, seen frame by frame by a
 * client written from the document ({@link RawFrames}).
 */
class RpcShutdownFramesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Conduit serverRuntime;
    private Conduit clientRuntime;
    private RpcServer server;
    private Path dir;

    @BeforeEach
    void createRuntimes() throws Exception {
        serverRuntime = Conduit.builder().name("shutdown-server").build();
        clientRuntime = Conduit.builder().name("shutdown-client").build();
        dir = Files.createTempDirectory("rpc-shutdown");
    }

    @AfterEach
    void closeEverything() throws Exception {
        if (server != null) {
            server.close();
        }
        clientRuntime.close();
        serverRuntime.close();
        Files.deleteIfExists(dir.resolve("rpc.sock"));
        Files.deleteIfExists(dir);
    }

    private String listenUri(String transport) {
        return switch (transport) {
            case "inproc" -> "inproc://*";
            case "tcp" -> "tcp://127.0.0.1:0";
            case "unix" -> "unix://" + dir.resolve("rpc.sock");
            case "shm" -> "shm://*?dir=" + dir;
            default -> throw new IllegalArgumentException(transport);
        };
    }

    private Channel<byte[]> handshaken(String transport, Duration shutdownTimeout) throws InterruptedException {
        server = RpcServer.builder(serverRuntime)
                .listen(listenUri(transport))
                .addService(new TestService().definition())
                .closeTimeout(shutdownTimeout)
                .start();
        Channel<byte[]> ch = clientRuntime.connect(server.endpoints().get(0), Codecs.bytes());
        ch.send(RawFrames.hello(1));
        assertThat(next(ch).text()).isEqualTo("HELLO");
        return ch;
    }

    private static RawFrames.Received next(Channel<byte[]> ch) throws InterruptedException {
        return RawFrames.next(ch, TIMEOUT);
    }

    /** Every frame until the server closes the connection. */
    private static List<RawFrames.Received> untilClosed(Channel<byte[]> ch) throws InterruptedException {
        List<RawFrames.Received> frames = new ArrayList<>();
        try {
            while (true) {
                byte[] frame = ch.receive(TIMEOUT);
                assertThat(frame)
                        .as("a frame or the close within %s; so far %s", TIMEOUT, frames)
                        .isNotNull();
                frames.add(RawFrames.Received.parse(frame));
            }
        } catch (ChannelClosedException closed) {
            return frames;
        }
    }

    private static byte[] request(String s) {
        return StringValue.of(s).toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"inproc", "tcp", "unix", "shm"})
    void afterTheShutdownTimeoutEveryRemainingCallGetsCallEndUnavailableBeforeTheClose(String transport)
            throws Exception {
        Channel<byte[]> ch = handshaken(transport, Duration.ofMillis(100));
        ch.send(RawFrames.unaryCall(1, TestService.HANG.fullName(), 0, request("hang-1")));
        ch.send(RawFrames.unaryCall(3, TestService.HANG.fullName(), 0, request("hang-3")));
        await().atMost(TIMEOUT).until(() -> server.activeCalls() == 2);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        List<RawFrames.Received> frames = untilClosed(ch);
        closing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertThat(frames).as("frames after the calls started").isNotEmpty();
        RawFrames.Received goaway = frames.get(0);
        assertThat(goaway.type()).as("first frame of %s", frames).isEqualTo(RawFrames.GOAWAY);
        assertThat(goaway.code()).isEqualTo(Status.Code.UNAVAILABLE.value());
        assertThat(frames.subList(1, Math.min(3, frames.size())))
                .as("the two frames after GOAWAY, in %s", frames)
                .extracting(RawFrames.Received::type, RawFrames.Received::code)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(RawFrames.CALL_END, Status.Code.UNAVAILABLE.value()));
        assertThat(frames.subList(1, Math.min(3, frames.size())))
                .extracting(RawFrames.Received::callId)
                .containsExactlyInAnyOrder(1, 3);
        assertThat(frames.subList(3, frames.size()))
                .as("after the last CALL_END, at most a PING that marks the end of the flush, in %s", frames)
                .extracting(RawFrames.Received::type)
                .allMatch(type -> type == RawFrames.PING);
        assertThat(server.isTerminated()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"inproc", "tcp", "unix"})
    void anIdIsFreeAgainAsSoonAsItsCallEndArrives(String transport) throws Exception {
        Channel<byte[]> ch = handshaken(transport, Duration.ofSeconds(2));
        // The same id, over and over: the server must see each CALL_START as a new call, never as "in use".
        for (int i = 0; i < 300; i++) {
            ch.send(RawFrames.unaryCall(1, TestService.ECHO.fullName(), 0, request("again " + i)));
            RawFrames.Received end = next(ch);
            assertThat(end.type()).as("reply %d: %s", i, end.text()).isEqualTo(RawFrames.CALL_END);
            assertThat(end.callId()).isEqualTo(1);
            assertThat(end.code()).isZero();
            assertThat(StringValue.parseFrom(end.payloadAfterTrailers()).getValue())
                    .isEqualTo("again " + i);
        }
        assertThat(ch.isOpen()).isTrue();
    }
}
