package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's side of a unary response that comes with its CALL_END, from a server written from {@code
 * docs/rpc-protocol.md} ({@link RawFrames}): held until requested and followed by the status, and refused past the
 * client's flow-control window.
 */
class RpcClientReceiveWindowTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int WINDOW = 64;
    private static final MethodDescriptor<String, String> ECHO =
            MethodDescriptor.of("conduit.test.Raw/Echo", MethodType.UNARY, Codecs.text(), Codecs.text());

    private final CompletableFuture<Channel<byte[]>> accepted = new CompletableFuture<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Conduit conduit;
    private Listener<byte[]> rawServer;
    private RpcChannel channel;

    @BeforeEach
    void start() {
        conduit = Conduit.builder().name("client-receive-window").build();
        rawServer = conduit.listen("inproc://*", Codecs.bytes(), accepted::complete);
        channel = RpcChannel.builder(conduit)
                .target(rawServer.endpoint().toString())
                .initialWindow(WINDOW)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.close();
        rawServer.close();
        conduit.close();
    }

    /** Starts a unary call that requests no response yet; its listener records what it hears. */
    private ClientCall<String, String> startWithoutRequesting() {
        ClientCall<String, String> call = channel.newCall(ECHO, CallOptions.DEFAULT);
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(String message) {
                        events.add("message " + message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        events.add("close " + status.code() + (status.isOk() ? "" : ": " + status.description()));
                    }
                },
                new Metadata());
        call.sendMessage("hello");
        call.halfClose();
        return call;
    }

    /** The raw server's side once the call has arrived: its HELLO sent back; returns the call's id. */
    private int serverReceivesTheCall(Channel<byte[]> server) throws InterruptedException {
        assertThat(RawFrames.next(server, TIMEOUT).text()).isEqualTo("HELLO");
        server.send(RawFrames.hello(1));
        RawFrames.Received start = RawFrames.next(server, TIMEOUT);
        assertThat(start.type()).isEqualTo(RawFrames.CALL_START);
        return start.callId();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aResponseThatComesWithTheStatusWaitsForTheRequestThenTheStatusFollowsIt() throws Exception {
        ClientCall<String, String> call = startWithoutRequesting();
        Channel<byte[]> server = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        int id = serverReceivesTheCall(server);
        server.send(RawFrames.callEndWithResponse(id, Status.Code.OK.value(), utf8("world")));
        // Nothing to wait on: nothing may happen before the request. A ping round trip shows the frame was read.
        server.send(RawFrames.ping(42));
        assertThat(RawFrames.next(server, TIMEOUT).type()).isEqualTo(RawFrames.PONG);
        assertThat(events)
                .as("the response waits for a request, and the status behind it")
                .isEmpty();
        call.request(1);
        Awaitility.await().atMost(TIMEOUT).until(() -> events.size() == 2);
        assertThat(events).containsExactly("message world", "close OK");
    }

    @Test
    void aResponseWithTheStatusPastTheWindowEndsTheCallAtOnceWithoutWaitingForARequest() throws Exception {
        startWithoutRequesting();
        Channel<byte[]> server = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        int id = serverReceivesTheCall(server);
        server.send(RawFrames.message(id, new byte[WINDOW * 2])); // allowed: credit may go negative by one message
        server.send(RawFrames.callEndWithResponse(id, Status.Code.OK.value(), utf8("too much")));
        Awaitility.await().atMost(TIMEOUT).until(() -> !events.isEmpty());
        assertThat(events).containsExactly("close RESOURCE_EXHAUSTED: the server sent past its flow-control window");
    }
}
