package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallFactory;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.ClientInterceptor;
import dev.conduit.rpc.ForwardingClientCall;
import dev.conduit.rpc.ForwardingClientCallListener;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
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

/**
 * A blocking unary call over shm reads its own response on the calling thread while it waits (no hand-over from the
 * poller), through client interceptors; a caller whose response is long in coming stops reading and parks, and the
 * poller delivers its response. (That it gives the reading back before it parks is {@code WaitingTest}'s: shm's
 * poller takes the ring back by itself when a record waits, so it cannot be seen from here.)
 */
class RpcCallerReadsResponseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final MethodDescriptor<StringValue, StringValue> HELD = MethodDescriptor.protobuf(
            "conduit.test.Held/Wait",
            MethodType.UNARY,
            StringValue.getDefaultInstance(),
            StringValue.getDefaultInstance());

    private Conduit conduit;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    /** For each call that ended: whether its listener heard the end on the thread that made the call. */
    private final List<Boolean> endedOnCaller = new CopyOnWriteArrayList<>();

    @BeforeEach
    void createRuntime() {
        conduit = Conduit.builder().name("caller-reads").build();
    }

    @AfterEach
    void closeEverything() throws Exception {
        release.countDown();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        conduit.close();
    }

    private RpcChannel channelTo(String endpoint, Thread caller) {
        RpcChannel ch = RpcChannel.builder(conduit)
                .target(endpoint)
                .intercept(new ClientInterceptor() {
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
                                                endedOnCaller.add(Thread.currentThread() == caller);
                                                super.onClose(status, trailers);
                                            }
                                        },
                                        headers);
                            }
                        };
                    }
                })
                .build();
        toClose.add(ch);
        return ch;
    }

    private RpcServer server(String idle) {
        ServiceDefinition held = ServiceDefinition.builder("conduit.test.Held")
                .unary(
                        HELD,
                        (req, out) -> CompletableFuture.runAsync(() -> {
                            try {
                                assertThat(release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                                        .isTrue();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            out.onNext(req);
                            out.onCompleted();
                        }))
                .build();
        RpcServer server = RpcServer.builder(conduit)
                .listen("shm://caller-reads-" + ProcessHandle.current().pid() + "-" + idle + "?dir="
                        + TestServers.tempDir() + "&idle=" + idle)
                .addService(new TestService().definition())
                .addService(held)
                .directExecutor()
                .start();
        toClose.add(server);
        return server;
    }

    private static String call(CallFactory ch, MethodDescriptor<StringValue, StringValue> m, String s) {
        return ClientCalls.blockingUnary(ch, m, CallOptions.DEFAULT.withTimeout(TIMEOUT), StringValue.of(s))
                .getValue();
    }

    @Test
    void blockingCallsOverShmReadTheirResponsesOnTheCallingThread() {
        RpcServer server = server("spin");
        RpcChannel ch = channelTo(server.endpoints().get(0).toString(), Thread.currentThread());
        int calls = 300;
        for (int i = 0; i < calls; i++) {
            assertThat(call(ch, TestService.ECHO, "n" + i)).isEqualTo("n" + i);
        }
        assertThat(endedOnCaller).hasSize(calls);
        // The poller may still win a race for the odd response (it takes the ring back when it must); most are read
        // by the caller. Without reading here, none would be.
        assertThat(endedOnCaller).as("responses read on the calling thread").contains(true);
    }

    @Test
    void aCallerThatWaitsLongParksAndThePollerDeliversItsResponse() throws Exception {
        RpcServer server = server("backoff");
        CompletableFuture<Thread> callerThread = new CompletableFuture<>();
        CompletableFuture<String> answer = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            callerThread.complete(Thread.currentThread());
            RpcChannel ch = channelTo(server.endpoints().get(0).toString(), Thread.currentThread());
            try {
                assertThat(call(ch, TestService.ECHO, "warm")).isEqualTo("warm");
                answer.complete(call(ch, HELD, "held"));
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        });
        caller.start();
        Thread t = callerThread.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        // The held call's caller has spun, given the reading back and parked.
        await().atMost(TIMEOUT).until(() -> endedOnCaller.size() == 1 && parkedInAwait(t));
        release.countDown();
        assertThat(answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("held");
        caller.join(TIMEOUT.toMillis());
        assertThat(endedOnCaller).hasSize(2);
        assertThat(endedOnCaller.get(1))
                .as("the held call's end, heard on its parked caller's thread")
                .isFalse();
    }

    /** Whether {@code t} is parked in the blocking call's wait (not merely waiting on some lock on its way there). */
    private static boolean parkedInAwait(Thread t) {
        if (t.getState() != Thread.State.WAITING) {
            return false;
        }
        boolean parked = false;
        for (StackTraceElement e : t.getStackTrace()) {
            parked |= e.getMethodName().equals("park");
            if (e.getClassName().endsWith(".Waiting") && e.getMethodName().equals("await")) {
                return parked && t.getState() == Thread.State.WAITING;
            }
        }
        return false;
    }
}
