package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.StringValue;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServerResponseObserver;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.UnaryMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Blocking calls and response streams on virtual threads (JDK 21+; skipped on older JDKs, and run again by the build
 * on JDK 25 where one is installed, with a single carrier thread, see this module's pom): many more calls wait at once
 * than there are carrier threads, which only works if a waiting call releases its carrier.
 */
class VirtualThreadsTest {
    private static final int CALLERS = 500;
    private static final MethodDescriptor<StringValue, StringValue> GATHER = MethodDescriptor.protobuf(
            "conduit.test.Gather/Wait",
            MethodType.UNARY,
            StringValue.getDefaultInstance(),
            StringValue.getDefaultInstance());
    private static final MethodDescriptor<StringValue, StringValue> GATHER_STREAM = MethodDescriptor.protobuf(
            "conduit.test.Gather/Stream",
            MethodType.SERVER_STREAMING,
            StringValue.getDefaultInstance(),
            StringValue.getDefaultInstance());

    @Test
    void fiveHundredBlockingCallsWaitTogetherOnVirtualThreads() throws Exception {
        ServiceDefinition gather = ServiceDefinition.builder("conduit.test.Gather")
                .unary(GATHER, gate(o -> o.onNext(StringValue.of("released"))))
                .build();
        List<String> replies = callTogether(
                "virtual",
                gather,
                channel -> ClientCalls.blockingUnary(channel, GATHER, CallOptions.DEFAULT, StringValue.of("x"))
                        .getValue());
        assertThat(replies).hasSize(CALLERS).containsOnly("released");
    }

    @Test
    void fiveHundredResponseStreamsWaitTogetherOnVirtualThreads() throws Exception {
        // Each stream's reader waits for its first response on an empty buffer; none comes until all of them wait.
        ServiceDefinition gather = ServiceDefinition.builder("conduit.test.Gather")
                .serverStreaming(GATHER_STREAM, gate(o -> {
                    o.onNext(StringValue.of("one"));
                    o.onNext(StringValue.of("two"));
                }))
                .build();
        List<List<String>> replies = callTogether("virtual-streams", gather, channel -> {
            List<String> got = new ArrayList<>();
            try (ResponseStream<StringValue> responses = ClientCalls.blockingServerStreaming(
                    channel, GATHER_STREAM, CallOptions.DEFAULT, StringValue.of("x"))) {
                responses.forEachRemaining(r -> got.add(r.getValue()));
            }
            return got;
        });
        assertThat(replies).hasSize(CALLERS).containsOnly(List.of("one", "two"));
    }

    /**
     * A handler that answers nobody until {@link #CALLERS} calls have arrived, then gives each call {@code answer}
     * and completes it: the calls can only complete if all of them wait at once.
     */
    private static UnaryMethod<StringValue, StringValue> gate(Consumer<ServerResponseObserver<StringValue>> answer) {
        List<ServerResponseObserver<StringValue>> waiting = new ArrayList<>();
        ReentrantLock lock = new ReentrantLock();
        return (req, out) -> {
            List<ServerResponseObserver<StringValue>> all = null;
            lock.lock();
            try {
                waiting.add(out);
                if (waiting.size() == CALLERS) {
                    all = List.copyOf(waiting);
                }
            } finally {
                lock.unlock();
            }
            if (all != null) {
                for (ServerResponseObserver<StringValue> o : all) {
                    answer.accept(o);
                    o.onCompleted();
                }
            }
        };
    }

    /** Makes {@link #CALLERS} calls of {@code service} at once, each on its own virtual thread; their results. */
    private static <T> List<T> callTogether(String name, ServiceDefinition service, Function<RpcChannel, T> call)
            throws Exception {
        ExecutorService perCall = virtualThreadPerTaskExecutor();
        if (Boolean.getBoolean("conduit.requireVirtualThreads")) { // the build's run on a newer JDK: no skipping
            assertThat(perCall).as("virtual threads on " + Runtime.version()).isNotNull();
            assertThat(System.getProperty("jdk.virtualThreadScheduler.maxPoolSize"))
                    .as("one carrier thread at most, so that a call that holds its carrier cannot pass")
                    .isEqualTo("1");
        }
        // Skipped only in the JDK 17 run: rpc/runtime's pom runs this class again on the Temurin 25 JDK that CI's
        // machine carries (profile virtual-threads-on-jdk25), where conduit.requireVirtualThreads makes it fail, not
        // skip.
        assumeTrue(perCall != null, "virtual threads need JDK 21+");
        try (Conduit conduit = Conduit.builder().name(name).build();
                RpcServer server = RpcServer.builder(conduit)
                        .listen("inproc://*")
                        .addService(service)
                        .directExecutor()
                        .start();
                RpcChannel channel = RpcChannel.builder(conduit)
                        .target(server.endpoints().get(0).toString())
                        .build()) {
            List<Future<T>> replies = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                replies.add(perCall.submit(() -> call.apply(channel)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> r : replies) {
                results.add(r.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            perCall.shutdownNow();
        }
    }

    private static ExecutorService virtualThreadPerTaskExecutor() {
        try {
            return (ExecutorService)
                    Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
