package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One of three servers (child JVMs) is killed with SIGKILL while calls run: calls with a retry policy all succeed on
 * the other two; calls without one may fail, but only with UNAVAILABLE. Then the dead endpoint is out: it gets no call.
 * Restarted at the same address, it takes calls again within the reconnection backoff.
 */
class RpcRetryKillTest {
    private static final int THREADS = 4;
    private static final int CALLS_EACH_SIDE_OF_THE_KILL = 200;
    /** The reconnection backoff's bounds: how soon a restarted endpoint is connected again. */
    private static final Duration BACKOFF_MIN = Duration.ofMillis(100);

    private static final Duration BACKOFF_MAX = Duration.ofSeconds(1);

    private final List<TestServers.Handle> servers = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private Conduit conduit;
    private ExecutorService load;

    @AfterEach
    void stop() throws Exception {
        if (load != null) {
            load.shutdownNow();
            load.awaitTermination(30, TimeUnit.SECONDS);
        }
        if (conduit != null) {
            conduit.close();
        }
        servers.forEach(TestServers.Handle::close);
    }

    private String listenUri(String transport, int i) {
        return switch (transport) {
            case "tcp" -> "tcp://127.0.0.1:0";
            case "shm" ->
                "shm://retry-kill-" + ProcessHandle.current().pid() + "-" + i + "?dir=" + TestServers.tempDir();
            default -> throw new IllegalArgumentException(transport);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void killingOneOfThreeServersFailsNoCallThatHasARetryPolicy(String transport) throws Exception {
        for (int i = 0; i < 3; i++) {
            servers.add(TestServers.namedChild(listenUri(transport, i), "s" + i, false, processes::add));
        }
        conduit = Conduit.builder().name("kill-client").build();
        RpcChannel.Builder withPolicy = RpcChannel.builder(conduit)
                .serviceConfig(RpcRetrySuiteTest.retryConfig(5, "\"UNAVAILABLE\"", ""))
                .reconnectBackoff(BACKOFF_MIN, BACKOFF_MAX);
        RpcChannel.Builder without = RpcChannel.builder(conduit).reconnectBackoff(BACKOFF_MIN, BACKOFF_MAX);
        for (TestServers.Handle s : servers) {
            withPolicy.target(s.uri());
            without.target(s.uri());
        }
        try (RpcChannel retrying = withPolicy.build();
                RpcChannel plain = without.build()) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger done = new AtomicInteger();
            Map<String, Status.Code> failures = new ConcurrentHashMap<>();
            load = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int worker = t;
                workers.add(load.submit(() -> {
                    for (int n = 0; running.get(); n++) {
                        boolean retried = n % 2 == 0;
                        String request = worker + "-" + n;
                        try {
                            String reply = ClientCalls.blockingUnary(
                                            retried ? retrying : plain,
                                            TestService.ECHO,
                                            CallOptions.DEFAULT,
                                            StringValue.of(request))
                                    .getValue();
                            assertThat(reply).isEqualTo(request);
                        } catch (RpcException e) {
                            failures.put((retried ? "retried " : "plain ") + request, e.code());
                        }
                        done.incrementAndGet();
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> done.get() >= CALLS_EACH_SIDE_OF_THE_KILL);
            Process victim = processes.get(1);
            victim.destroyForcibly();
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
            int atKill = done.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> done.get() >= atKill + CALLS_EACH_SIDE_OF_THE_KILL);
            running.set(false);
            for (Future<?> w : workers) {
                w.get(30, TimeUnit.SECONDS);
            }

            assertThat(failures.keySet())
                    .as("calls with a retry policy that failed: %s", failures)
                    .noneMatch(k -> k.startsWith("retried "));
            assertThat(failures.values())
                    .as("how calls without a retry policy failed")
                    .allMatch(code -> code == Status.Code.UNAVAILABLE);

            String dead = servers.get(1).uri();
            for (RpcChannel channel : List.of(retrying, plain)) {
                assertThat(stateOf(channel, dead)).as("the dead endpoint").doesNotEndWith("(READY)");
                // Were it still picked, a third of these calls (made without a retry policy) would fail.
                assertThat(Whoami.names(channel, 30)).as("who answered").containsOnly("s0", "s2");
            }

            servers.add(TestServers.namedChild(dead, "s1 again", false, processes::add));
            for (RpcChannel channel : List.of(retrying, plain)) {
                await("the endpoint restarted at " + dead + " answers")
                        .atMost(BACKOFF_MAX.multipliedBy(10))
                        .until(() -> Whoami.names(channel, 3).contains("s1 again"));
                assertThat(stateOf(channel, dead)).as("the endpoint back").endsWith("(READY)");
                assertThat(Whoami.names(channel, 30)).as("who answered").contains("s0", "s1 again", "s2");
            }
        }
    }

    /** The channel's diagnostic line for endpoint {@code uri}: {@code <uri> (<state>)}. */
    private static String stateOf(RpcChannel channel, String uri) {
        return channel.endpointStates().stream()
                .filter(s -> s.startsWith(uri + " ("))
                .findFirst()
                .orElseThrow(() -> new AssertionError(uri + " is not among " + channel.endpointStates()));
    }
}
