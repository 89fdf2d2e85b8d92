package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.testkit.ResourceCheck;
import dev.conduit.rpc.CallFactory;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.ClientInterceptor;
import dev.conduit.rpc.ForwardingClientCall;
import dev.conduit.rpc.ForwardingClientCallListener;
import dev.conduit.rpc.ForwardingServerCall;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServerCall;
import dev.conduit.rpc.ServerCallHandler;
import dev.conduit.rpc.ServerInterceptor;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.TransportThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server: interceptors (auth, logging) on both sides, executors, several endpoints, graceful shutdown. */
class RpcServerBehaviourTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final MethodDescriptor<StringValue, StringValue> WAIT = MethodDescriptor.protobuf(
            "conduit.test.Slow/Wait",
            MethodType.UNARY,
            StringValue.getDefaultInstance(),
            StringValue.getDefaultInstance());

    private Conduit conduit;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> slowEvents = new CopyOnWriteArrayList<>();

    @BeforeEach
    void createRuntime() {
        conduit = Conduit.builder().name("server-behaviour").build();
    }

    @AfterEach
    void closeEverything() throws Exception {
        release.countDown();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        conduit.close();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    /** Answers once {@link #release} opens; records when it is cancelled. */
    private ServiceDefinition slowService() {
        return ServiceDefinition.builder("conduit.test.Slow")
                .unary(WAIT, (req, out) -> {
                    out.setOnCancelHandler(() -> slowEvents.add("cancelled"));
                    slowEvents.add("started");
                    while (!release.await(10, TimeUnit.MILLISECONDS)) {
                        if (out.isCancelled()) {
                            return;
                        }
                    }
                    out.onNext(req);
                    out.onCompleted();
                })
                .build();
    }

    private RpcChannel channel(RpcServer server) {
        return closeLater(RpcChannel.builder(conduit)
                .target(server.endpoints().get(0).toString())
                .build());
    }

    private static String call(CallFactory ch, MethodDescriptor<StringValue, StringValue> m, String s) {
        return ClientCalls.blockingUnary(ch, m, CallOptions.DEFAULT, StringValue.of(s))
                .getValue();
    }

    @Test
    void interceptorsAuthenticateAndLogOnBothSides() {
        List<String> serverLog = new CopyOnWriteArrayList<>();
        List<String> clientLog = new CopyOnWriteArrayList<>();
        ServerInterceptor auth = new ServerInterceptor() {
            @Override
            public <Req, Resp> ServerCall.Listener<Req> interceptCall(
                    ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
                if (!"Bearer sesame".equals(headers.get("authorization"))) {
                    call.close(Status.UNAUTHENTICATED.withDescription("no valid token"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        };
        ServerInterceptor logging = new ServerInterceptor() {
            @Override
            public <Req, Resp> ServerCall.Listener<Req> interceptCall(
                    ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
                return next.startCall(
                        new ForwardingServerCall<>(call) {
                            @Override
                            public void close(Status status, Metadata trailers) {
                                serverLog.add(call.method().methodName() + " " + status.code());
                                super.close(status, trailers);
                            }
                        },
                        headers);
            }
        };
        RpcServer server = closeLater(RpcServer.builder(conduit)
                .listen("inproc://*")
                .addService(new TestService().definition())
                .intercept(logging) // outermost: it also sees the calls auth refuses
                .intercept(auth)
                .start());
        RpcChannel anonymous = channel(server);
        RpcChannel authenticated = closeLater(RpcChannel.builder(conduit)
                .target(server.endpoints().get(0).toString())
                .intercept(clientLogging(clientLog))
                .intercept(token("sesame"))
                .build());

        assertThatThrownBy(() -> call(anonymous, TestService.ECHO, "let me in"))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(call(authenticated, TestService.ECHO, "let me in")).isEqualTo("let me in");
        assertThatThrownBy(() -> call(authenticated, TestService.FAIL, "NOT_FOUND:k"))
                .isInstanceOf(RpcException.class);

        await().atMost(TIMEOUT).until(() -> serverLog.size() == 3);
        assertThat(serverLog).containsExactly("Echo UNAUTHENTICATED", "Echo OK", "Fail NOT_FOUND");
        assertThat(clientLog).containsExactly("Echo OK", "Fail NOT_FOUND");
    }

    private static ClientInterceptor token(String token) {
        return new ClientInterceptor() {
            @Override
            public <Req, Resp> ClientCall<Req, Resp> interceptCall(
                    MethodDescriptor<Req, Resp> method, CallOptions options, CallFactory next) {
                return new ForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<Resp> listener, Metadata headers) {
                        headers.put("authorization", "Bearer " + token);
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    private static ClientInterceptor clientLogging(List<String> log) {
        return new ClientInterceptor() {
            @Override
            public <Req, Resp> ClientCall<Req, Resp> interceptCall(
                    MethodDescriptor<Req, Resp> method, CallOptions options, CallFactory next) {
                return new ForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<Resp> listener, Metadata headers) {
                        super.start(
                                new ForwardingClientCallListener<>(listener) {
                                    @Override
                                    public void onClose(Status status, Metadata trailers) {
                                        log.add(method.methodName() + " " + status.code());
                                        super.onClose(status, trailers);
                                    }
                                },
                                headers);
                    }
                };
            }
        };
    }

    @Test
    void handlersRunOnTheRuntimesHandlerPoolByDefaultAndInsideFrameDeliveryWithDirectExecutor() {
        MethodDescriptor<StringValue, StringValue> thread = MethodDescriptor.protobuf(
                "conduit.test.Thread/Name",
                MethodType.UNARY,
                StringValue.getDefaultInstance(),
                StringValue.getDefaultInstance());
        ServiceDefinition service = ServiceDefinition.builder("conduit.test.Thread")
                .unary(thread, (req, out) -> {
                    boolean delivering = TransportThread.isDelivering();
                    out.onNext(StringValue.of(
                            Thread.currentThread().getName() + (delivering ? " delivering" : " pooled")));
                    out.onCompleted();
                })
                .build();
        RpcServer pooled = closeLater(RpcServer.builder(conduit)
                .listen("inproc://*")
                .addService(service)
                .start());
        RpcServer direct = closeLater(RpcServer.builder(conduit)
                .listen("inproc://*")
                .addService(service)
                .directExecutor()
                .start());
        // No pool of the server's own: the runtime's handler threads, apart from the thread delivering frames.
        assertThat(call(channel(pooled), thread, ""))
                .startsWith("conduit-server-behaviour-handler-")
                .endsWith(" pooled");
        // inproc has no I/O thread: frames are delivered by whichever thread hands them over (the caller's, or the
        // runtime's while it delivers the first ones). What matters: the handler runs inside that delivery.
        RpcChannel toDirect = channel(direct);
        for (int i = 0; i < 20; i++) {
            assertThat(call(toDirect, thread, "")).endsWith(" delivering");
        }
    }

    @Test
    void oneServerServesSeveralEndpointsAtOnce() {
        RpcServer server = closeLater(RpcServer.builder(conduit)
                .listen("tcp://127.0.0.1:0")
                .listen("shm://rpc-both-" + ProcessHandle.current().pid() + "?dir=" + TestServers.tempDir())
                .listen("inproc://*")
                .addService(new TestService().definition())
                .start());
        assertThat(server.endpoints()).extracting(e -> e.scheme()).containsExactly("tcp", "shm", "inproc");
        for (var e : server.endpoints()) {
            RpcChannel ch =
                    closeLater(RpcChannel.builder(conduit).target(e.toString()).build());
            assertThat(call(ch, TestService.ECHO, "via " + e)).isEqualTo("via " + e);
        }
    }

    @Test
    void gracefulShutdownRefusesNewCallsAndLetsCallsInFlightFinish() throws Exception {
        RpcServer server = closeLater(RpcServer.builder(conduit)
                .listen("inproc://*")
                .addService(slowService())
                .addService(new TestService().definition())
                .start());
        RpcChannel ch = channel(server);
        CompletableFuture<StringValue> inFlight =
                ClientCalls.futureUnary(ch, WAIT, CallOptions.DEFAULT, StringValue.of("finish me"));
        await().atMost(TIMEOUT).until(() -> slowEvents.contains("started"));
        server.shutdown();
        assertThatThrownBy(() -> call(ch, TestService.ECHO, "too late"))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(server.isTerminated()).isFalse();
        release.countDown();
        assertThat(inFlight.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).getValue())
                .isEqualTo("finish me");
        assertThat(server.awaitTermination(TIMEOUT)).isTrue();
        assertThat(slowEvents).doesNotContain("cancelled");
    }

    @Test
    void closeCancelsCallsStillRunningAfterTheShutdownTimeout() throws Exception {
        RpcServer server = RpcServer.builder(conduit)
                .listen("inproc://*")
                .addService(slowService())
                .closeTimeout(Duration.ofMillis(100))
                .start();
        RpcChannel ch = channel(server);
        CompletableFuture<StringValue> inFlight =
                ClientCalls.futureUnary(ch, WAIT, CallOptions.DEFAULT, StringValue.of("never finishes"));
        await().atMost(TIMEOUT).until(() -> slowEvents.contains("started"));
        server.close();
        await().atMost(TIMEOUT).until(server::isTerminated);
        assertThatThrownBy(() -> inFlight.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(slowEvents).contains("cancelled");
    }

    @Test
    void serverKeepAliveClosesTheConnectionOfAClientThatStoppedAnswering() throws Exception {
        RpcServer server = closeLater(RpcServer.builder(conduit)
                .listen("inproc://*")
                .addService(new TestService().definition())
                .keepAlive(Duration.ofMillis(200), Duration.ofSeconds(1))
                .start());
        // A client that says HELLO, then never reads or answers again.
        Channel<byte[]> mute = closeLater(conduit.connect(server.endpoints().get(0), Codecs.bytes()));
        mute.send(RawFrames.hello(1));
        assertThat(mute.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).kind())
                .isEqualTo(CloseReason.Kind.PEER);
        // What the server sent before it closed is still there to read: its HELLO, then the ping left unanswered,
        // so the close came from the keepalive and not from anything else.
        List<String> kinds = new ArrayList<>();
        byte[] frame;
        while ((frame = receiveOrNull(mute)) != null) {
            RawFrames.Received r = RawFrames.Received.parse(frame);
            kinds.add(r.text().equals("HELLO") ? "HELLO" : r.type() == RawFrames.PING ? "PING" : "type " + r.type());
        }
        assertThat(kinds).startsWith("HELLO").contains("PING");
        assertThat(call(channel(server), TestService.ECHO, "others fine")).isEqualTo("others fine");
    }

    /** The next message of a closed channel, or null once none is left. */
    private static byte[] receiveOrNull(Channel<byte[]> ch) throws InterruptedException {
        try {
            return ch.receive(TIMEOUT);
        } catch (ChannelClosedException e) {
            return null;
        }
    }

    @Test
    void closingServerAndChannelCancelsWhatIsLeftAndNoThreadIsTheirs() {
        RpcServer server = RpcServer.builder(conduit)
                .listen("inproc://*")
                .addService(new TestService().definition())
                .start();
        RpcChannel ch = RpcChannel.builder(conduit)
                .target(server.endpoints().get(0).toString())
                .closeTimeout(Duration.ofMillis(100)) // then the call left open is cancelled
                .build();
        assertThat(call(ch, TestService.ECHO, "x")).isEqualTo("x");
        CompletableFuture<StringValue> hanging =
                ClientCalls.futureUnary(ch, TestService.HANG, CallOptions.DEFAULT, StringValue.of("left open"));
        await().atMost(TIMEOUT).until(() -> server.activeCalls() == 1);
        // The runtime owns every thread (its close, after each test, checks that they end): none is named for RPC.
        assertThat(ResourceCheck.threadsNamed("conduit-rpc-")).isEmpty();
        ch.close();
        server.close();
        assertThat(hanging).isCompletedExceptionally();
        await().atMost(TIMEOUT).until(server::isTerminated);
    }
}
