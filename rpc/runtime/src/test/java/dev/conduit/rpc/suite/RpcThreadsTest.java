package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An RPC server and channel run on their runtime's threads and start none of their own. */
class RpcThreadsTest {
    private static final String RUNTIME = "rpc-threads";

    private Conduit conduit;
    private RpcServer server;
    private RpcChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.close();
        }
        if (server != null) {
            server.close();
        }
        if (conduit != null) {
            conduit.close();
        }
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet();
    }

    @Test
    void aServerAndAChannelOnOneRuntimeStartNoTimerOrPoolOfTheirOwn() throws Exception {
        Set<Thread> before = liveThreads();
        conduit = Conduit.builder().name(RUNTIME).build();
        server = RpcServer.builder(conduit)
                .listen("tcp://127.0.0.1:0")
                .addService(new TestService().definition())
                .keepAlive(Duration.ofMillis(200), Duration.ofSeconds(5))
                .start();
        channel = RpcChannel.builder(conduit)
                .target(server.endpoints().get(0).toUri())
                .keepAlive(Duration.ofMillis(200), Duration.ofSeconds(5))
                .build();
        // Timers (the deadline, HELLO, keepalive), handlers (blocking) and callbacks (asynchronous) all get used.
        CallOptions deadline = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30));
        assertThat(ClientCalls.blockingUnary(channel, TestService.ECHO, deadline, StringValue.of("a"))
                        .getValue())
                .isEqualTo("a");
        CompletableFuture<String> async = new CompletableFuture<>();
        ClientCalls.asyncUnary(
                channel, TestService.ECHO, deadline, StringValue.of("b"), RpcCallKindsSuiteTest.single(async));
        assertThat(async.get(30, TimeUnit.SECONDS)).isEqualTo("b");

        List<String> foreign = liveThreads().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(n -> n.startsWith("conduit-") && !n.startsWith("conduit-" + RUNTIME + "-"))
                .sorted()
                .collect(Collectors.toList());
        assertThat(foreign)
                .as("threads started by the server and channel beside the runtime's (conduit-%s-...)", RUNTIME)
                .isEmpty();
        assertThat(liveThreads().stream().map(Thread::getName))
                .as("the runtime's timer served the RPC timers")
                .anyMatch(n -> n.startsWith("conduit-" + RUNTIME + "-timer-"));
    }
}
