package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stopping a server the way a program does: wait for it to end, shut it down, free its addresses at once. */
class RpcServerStopTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Conduit conduit;
    private Path dir;
    private RpcServer server;
    private RpcChannel channel;

    @BeforeEach
    void setUp() throws Exception {
        conduit = Conduit.builder().name("stop").build();
        dir = Files.createTempDirectory("rpc-stop");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close(); // first: it ends the call left hanging, which the channel would wait for
        }
        if (channel != null) {
            channel.close();
        }
        conduit.close();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("files left in %s", dir).isEmpty();
        }
        Files.delete(dir);
    }

    private RpcServer start(String... uris) {
        RpcServer.Builder b = RpcServer.builder(conduit)
                .addService(new TestService().definition())
                .closeTimeout(Duration.ofMillis(200));
        for (String uri : uris) {
            b.listen(uri);
        }
        return b.start();
    }

    private CompletableFuture<StringValue> hang(String target) {
        channel = RpcChannel.builder(conduit).target(target).build();
        return ClientCalls.futureUnary(channel, TestService.HANG, CallOptions.DEFAULT, StringValue.of("in flight"));
    }

    @Test
    void awaitTerminationWithoutATimeoutReturnsOnceTheServerIsClosed() throws Exception {
        server = start("inproc://*");
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                server.awaitTermination();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<StringValue> call = hang(server.endpoints().get(0).toString());
        await().atMost(TIMEOUT).until(() -> server.activeCalls() == 1);
        assertThat(waiting).as("still serving").isNotDone();
        server.close();
        waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(server.isTerminated()).isTrue();
        assertThatThrownBy(() -> call.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void shutdownFreesSocketFilesAndStopsAcceptingWhileCallsInFlightGoOn() throws Exception {
        Path unixSocket = dir.resolve("kv.sock");
        server = start(
                "unix://" + unixSocket, "shm://stop-" + ProcessHandle.current().pid() + "?dir=" + dir);
        String unix = server.endpoints().get(0).toString();
        String shm = server.endpoints().get(1).toString();
        CompletableFuture<StringValue> call = hang(shm);
        await().atMost(TIMEOUT).until(() -> server.activeCalls() == 1);
        assertThat(dir).isNotEmptyDirectory();

        server.shutdown();

        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("socket files right after shutdown()").isEmpty();
        }
        for (String uri : new String[] {unix, shm}) {
            assertThatThrownBy(() -> conduit.connect(uri, Codecs.bytes()))
                    .as(uri)
                    .isInstanceOf(ConnectFailedException.class);
        }
        assertThat(call).as("the call in flight goes on").isNotDone();
        assertThat(server.isTerminated()).isFalse();
    }
}
