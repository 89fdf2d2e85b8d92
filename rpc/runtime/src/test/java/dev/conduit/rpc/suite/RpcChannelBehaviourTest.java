package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import dev.conduit.core.BindFailedException;
import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Listener;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client channel: lazy connection, fail-fast and wait-for-ready, reconnection, round-robin, keepalive, idle. */
class RpcChannelBehaviourTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Conduit conduit;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void createRuntime() {
        conduit = Conduit.builder().name("behaviour").build();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        conduit.close();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    private RpcServer serve(String uri, ServiceDefinition service) {
        return RpcServer.builder(conduit).listen(uri).addService(service).start();
    }

    private RpcChannel channel(String... uris) {
        RpcChannel.Builder b =
                RpcChannel.builder(conduit).reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100));
        for (String u : uris) {
            b.target(u);
        }
        return closeLater(b.build());
    }

    private static String echo(RpcChannel ch, String s) {
        return ClientCalls.blockingUnary(ch, TestService.ECHO, CallOptions.DEFAULT, StringValue.of(s))
                .getValue();
    }

    private static String uniqueName() {
        return "inproc://svc-" + System.nanoTime();
    }

    @Test
    void connectsLazilyOnTheFirstCall() {
        String uri = uniqueName();
        RpcChannel ch = channel(uri); // nothing listens yet: building must not connect
        assertThat(ch.endpointStates()).containsExactly(uri + " (IDLE)");
        closeLater(serve(uri, new TestService().definition()));
        assertThat(echo(ch, "first")).isEqualTo("first");
        assertThat(ch.endpointStates()).containsExactly(uri + " (READY)");
    }

    @Test
    void callsFailFastWithUnavailableWhileNoServerIsReachable() {
        String uri = uniqueName();
        RpcChannel ch = channel(uri);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> echo(ch, "nobody")).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description()).contains(uri);
            });
        }
    }

    @Test
    void buildRefusesTargetsThatCanNeverConnectWithTheErrorConnectGives() {
        for (String uri : List.of("http://127.0.0.1:1/x", "tcp://127.0.0.1:1?maxFrme=1k", "unix:relative.sock")) {
            Throwable fromConnect = catchThrowable(() -> conduit.connect(uri, Codecs.bytes()));
            assertThat(fromConnect).as(uri).isInstanceOf(EndpointException.class);
            assertThatThrownBy(() -> RpcChannel.builder(conduit).target(uri).build())
                    .as(uri)
                    .isInstanceOf(fromConnect.getClass())
                    .hasMessage(fromConnect.getMessage());
        }
        assertThatThrownBy(() -> RpcChannel.builder(conduit)
                        .target("tcp://127.0.0.1:1?framing=line")
                        .build())
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("RPC frames are binary");
    }

    @Test
    void failuresNameTheUriOnceAsTheUserWroteIt() {
        String refused = "tcp://127.0.0.1:1";
        RpcChannel ch = channel(refused);
        assertThatThrownBy(() -> echo(ch, "nobody"))
                .isInstanceOfSatisfying(
                        RpcException.class,
                        e -> assertThat(e.status().description())
                                .startsWith("cannot connect to " + refused + ": ")
                                .doesNotContain("maxFrame", "sendLimit")
                                .satisfies(d ->
                                        assertThat(d.split("tcp://", -1)).as(d).hasSize(2)));

        RpcServer first = closeLater(serve("tcp://127.0.0.1:0", new TestService().definition()));
        String taken = first.endpoints().get(0).toString();
        assertThatThrownBy(() -> serve(taken, new TestService().definition()))
                .isInstanceOf(BindFailedException.class)
                .hasMessageStartingWith("cannot listen on " + taken + ": ")
                .hasMessageNotContaining("maxFrame")
                .hasMessageNotContaining("sendLimit");
        assertThatThrownBy(() -> serve("tcp://127.0.0.1:0?maxFrme=1k", new TestService().definition()))
                .isInstanceOf(EndpointException.class)
                .hasMessageStartingWith("unknown option 'maxFrme' in tcp://127.0.0.1:0?maxFrme=1k;");
    }

    @Test
    void aWaitForReadyCallWhoseDeadlinePassesSaysWhyThereWasNoConnection() {
        String refused = "tcp://127.0.0.1:1";
        RpcChannel ch = channel(refused);
        CallOptions patient = CallOptions.DEFAULT.withWaitForReady().withTimeout(Duration.ofSeconds(2));
        assertThatThrownBy(() -> ClientCalls.blockingUnary(ch, TestService.ECHO, patient, StringValue.of("x")))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                    assertThat(e.status().description())
                            .startsWith(
                                    "deadline of 2000 ms exceeded while waiting for a connection; cannot connect to "
                                            + refused + ": ");
                });
    }

    @Test
    void aWaitForReadyCallWhoseDeadlinePassesDuringAReconnectAttemptStillSaysWhyThereWasNoConnection()
            throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String target = "tcp://127.0.0.1:" + port;
        RpcChannel ch = closeLater(RpcChannel.builder(conduit)
                .target(target)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(20))
                .handshakeTimeout(TIMEOUT)
                .build());
        CallOptions patient = CallOptions.DEFAULT.withWaitForReady().withTimeout(Duration.ofSeconds(3));
        CompletableFuture<StringValue> call =
                ClientCalls.futureUnary(ch, TestService.ECHO, patient, StringValue.of("x"));
        await().atMost(TIMEOUT).until(() -> ch.endpointStates().toString().contains("TRANSIENT_FAILURE"));
        // The port now completes TCP handshakes but never speaks: the next attempt hangs in CONNECTING until the
        // call's deadline passes, and the call must still name the failure before it.
        try (ServerSocket silent = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            await().atMost(TIMEOUT).until(() -> ch.endpointStates().toString().contains("CONNECTING"));
            Throwable e = catchThrowable(() -> call.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertThat(e.getCause()).isInstanceOfSatisfying(RpcException.class, r -> {
                assertThat(r.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                assertThat(r.status().description())
                        .startsWith("deadline of 3000 ms exceeded while waiting for a connection; cannot connect to "
                                + target + ": ");
            });
            assertThat(ch.endpointStates().toString())
                    .as("still in the silent attempt")
                    .contains("CONNECTING");
        }
    }

    @Test
    void aListenerThatDoesNotSpeakRpcIsNamedAsSuch() {
        // An echo: the client's own HELLO comes back (acceptable), then its CALL_START, which no server sends.
        Listener<byte[]> echo = closeLater(
                conduit.listen("tcp://127.0.0.1:0", Codecs.bytes(), ch -> ch.onMessage((c, m) -> c.send(m))));
        // A greeter: its first message is no HELLO.
        Listener<byte[]> greeter = closeLater(conduit.listen(
                "tcp://127.0.0.1:0", Codecs.bytes(), ch -> ch.send("hello, human".getBytes(StandardCharsets.UTF_8))));
        for (Listener<byte[]> plain : List.of(echo, greeter)) {
            String uri = plain.endpoint().toString();
            assertThatThrownBy(() -> echo(channel(uri), "anyone?")).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description())
                        .startsWith(uri + " does not speak Conduit RPC (a plain channel listener?): ")
                        .doesNotContain("protocol error");
            });
        }
    }

    @Test
    void waitForReadyCallWaitsForTheServerToAppear() throws Exception {
        String uri = uniqueName();
        RpcChannel ch = channel(uri);
        CompletableFuture<StringValue> call = ClientCalls.futureUnary(
                ch, TestService.ECHO, CallOptions.DEFAULT.withWaitForReady(), StringValue.of("patient"));
        await().atMost(TIMEOUT).until(() -> ch.endpointStates().get(0).contains("TRANSIENT_FAILURE"));
        assertThat(call).isNotDone();
        closeLater(serve(uri, new TestService().definition()));
        assertThat(call.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).getValue()).isEqualTo("patient");
    }

    @Test
    void reconnectsAfterTheServerRestarts() throws Exception {
        String uri = uniqueName();
        RpcChannel ch = channel(uri);
        RpcServer first = serve(uri, new TestService().definition());
        assertThat(echo(ch, "one")).isEqualTo("one");
        first.close();
        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThatThrownBy(() -> echo(ch, "down"))
                        .isInstanceOfSatisfying(
                                RpcException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE)));
        closeLater(serve(uri, new TestService().definition()));
        await().atMost(TIMEOUT).ignoreException(RpcException.class).until(() -> echo(ch, "two"), "two"::equals);
    }

    @Test
    void callsAreSpreadRoundRobinOverEveryEndpoint() {
        String a = uniqueName();
        String b = uniqueName();
        closeLater(serve(a, Whoami.service("a")));
        closeLater(serve(b, Whoami.service("b")));
        RpcChannel ch = channel(a, b);
        ClientCalls.futureUnary(ch, Whoami.METHOD, CallOptions.DEFAULT.withWaitForReady(), StringValue.of(""));
        await().atMost(TIMEOUT).until(() -> ch.endpointStates().stream().allMatch(s -> s.endsWith("(READY)")));
        int[] counts = new int[2];
        for (int i = 0; i < 100; i++) {
            String who = ClientCalls.blockingUnary(ch, Whoami.METHOD, CallOptions.DEFAULT, StringValue.of(""))
                    .getValue();
            counts[who.equals("a") ? 0 : 1]++;
        }
        assertThat(counts).containsExactly(50, 50);
    }

    @Test
    void keepAliveDetectsAServerThatStoppedAnswering() throws Exception {
        // A peer that completes the handshake, then never answers anything again, pings included.
        String uri = uniqueName();
        Listener<byte[]> mute = closeLater(conduit.listen(
                uri,
                Codecs.bytes(),
                peer -> peer.onMessage((Channel<byte[]> c, byte[] frame) -> {
                    if (RawFrames.Received.parse(frame).text().equals("HELLO")) {
                        c.send(RawFrames.hello(1));
                    }
                })));
        RpcChannel ch = closeLater(RpcChannel.builder(conduit)
                .target(mute.endpoint().toString())
                .keepAlive(Duration.ofMillis(200), Duration.ofSeconds(1))
                .build());
        assertThatThrownBy(() -> echo(ch, "anyone there?")).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.status().description()).contains("keepalive");
        });
    }

    @Test
    void idleConnectionIsClosedAndTheNextCallReconnects() {
        String uri = uniqueName();
        closeLater(serve(uri, new TestService().definition()));
        RpcChannel ch = closeLater(RpcChannel.builder(conduit)
                .target(uri)
                .idleTimeout(Duration.ofMillis(50))
                .build());
        assertThat(echo(ch, "busy")).isEqualTo("busy");
        await().atMost(TIMEOUT).until(() -> ch.endpointStates().get(0).endsWith("(IDLE)"));
        assertThat(echo(ch, "again")).isEqualTo("again");
    }

    @Test
    void interruptingABlockingCallCancelsIt() throws Exception {
        String uri = uniqueName();
        RpcServer server = closeLater(serve(uri, new TestService().definition()));
        RpcChannel ch = channel(uri);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                ClientCalls.blockingUnary(ch, TestService.HANG, CallOptions.DEFAULT, StringValue.of("interrupt-me"));
                failure.complete(null);
            } catch (Throwable t) {
                failure.complete(t);
            }
        });
        caller.start();
        await().atMost(TIMEOUT).until(() -> ch.activeCalls() == 1);
        // The call reached the server: only then does its end there show that the cancel went over the wire.
        await().atMost(TIMEOUT).until(() -> server.activeCalls() == 1);
        caller.interrupt();
        assertThat(failure.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.CANCELLED));
        await().atMost(TIMEOUT).until(() -> ch.activeCalls() == 0);
        // The cancel reached the wire: the server's hanging handler was told and its call ended.
        await().atMost(TIMEOUT).until(() -> server.activeCalls() == 0);
    }
}
