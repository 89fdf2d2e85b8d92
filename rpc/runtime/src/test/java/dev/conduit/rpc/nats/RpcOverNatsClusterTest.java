package dev.conduit.rpc.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.Status;
import dev.conduit.transport.nats.testing.NatsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A three-node NATS cluster on loopback, routed: RPC instances attached to nodes 1 and 2, the client to node 3. Under
 * load, one instance is killed with SIGKILL, then node 2 (and with it the path to the instance attached there): no
 * call hangs, every call either succeeds or fails UNAVAILABLE, and once each failure has been noticed every call
 * succeeds on what is left.
 */
class RpcOverNatsClusterTest {
    private static final Duration DEADLINE = Duration.ofSeconds(8);
    /**
     * After this, every call must succeed: heartbeats (1 s) have ended the dead one's sessions, and an instance whose
     * node died has reconnected to another node. The slack above that is for a loaded 2-core machine.
     */
    private static final Duration RECOVERY = Duration.ofSeconds(3);

    private List<NatsServer> nodes;
    private Instances instances;
    private Conduit client;

    @BeforeEach
    void startCluster() {
        nodes = NatsServer.cluster(3);
        instances = new Instances();
        client = Conduit.builder().name("client").build();
    }

    @AfterEach
    void stopCluster() throws Exception {
        client.close();
        instances.close();
        nodes.forEach(NatsServer::close);
    }

    private record Outcome(long startedNanos, long endedNanos, Status.Code code) {}

    @Test
    void underLoadAKilledInstanceThenAKilledNodeFailCallsOnlyWithUnavailableAndTheRestKeepWorking() throws Exception {
        String subject = "/kv." + ProcessHandle.current().pid();
        Process a = instances.child("nats://" + nodes.get(0).address() + subject, "a");
        instances.inProcess("nats://" + nodes.get(0).address() + subject, "b");
        instances.inProcess("nats://" + nodes.get(1).address() + subject, "c");
        RpcChannel channel = RpcChannel.builder(client)
                .target("nats://" + nodes.get(2).address() + subject)
                .build();
        // Interest and announcements cross the routes asynchronously.
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> Instances.names(channel, 15).equals(Set.of("a", "b", "c")));

        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService load = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(load.submit(() -> {
                while (!stop.get()) {
                    long started = System.nanoTime();
                    Status.Code code;
                    try {
                        ClientCalls.blockingUnary(
                                channel,
                                InstanceService.NAME,
                                CallOptions.DEFAULT.withTimeout(DEADLINE),
                                StringValue.of(""));
                        code = Status.Code.OK;
                    } catch (RuntimeException e) {
                        code = Status.fromThrowable(e).code();
                    }
                    outcomes.add(new Outcome(started, System.nanoTime(), code));
                }
            }));
        }
        long instanceKilled;
        long nodeKilled;
        try {
            awaitCalls(outcomes, 200);
            instanceKilled = System.nanoTime();
            a.destroyForcibly();
            awaitCallsStartedAfter(outcomes, instanceKilled + RECOVERY.toNanos());
            nodeKilled = System.nanoTime();
            nodes.get(1).kill();
            awaitCallsStartedAfter(outcomes, nodeKilled + RECOVERY.toNanos());
        } finally {
            stop.set(true);
            load.shutdown();
        }
        assertThat(load.awaitTermination(DEADLINE.toSeconds() + 5, TimeUnit.SECONDS))
                .as("every call ended within its deadline: none hung")
                .isTrue();
        for (Future<?> w : workers) {
            w.get();
        }
        Map<Status.Code, Long> byCode =
                outcomes.stream().collect(Collectors.groupingBy(Outcome::code, Collectors.counting()));
        System.out.println("outcomes: " + byCode);
        assertThat(byCode.keySet()).as("statuses seen").isSubsetOf(Status.Code.OK, Status.Code.UNAVAILABLE);
        assertThat(outcomes.stream()
                        .filter(o ->
                                o.startedNanos() > instanceKilled + RECOVERY.toNanos() && o.endedNanos() < nodeKilled))
                .as("calls started %d s after the instance died, ended before the node died", RECOVERY.toSeconds())
                .hasSizeGreaterThanOrEqualTo(300)
                .allSatisfy(o -> assertThat(o.code()).isEqualTo(Status.Code.OK));
        assertThat(outcomes.stream().filter(o -> o.startedNanos() > nodeKilled + RECOVERY.toNanos()))
                .as("calls started %d s after the node died", RECOVERY.toSeconds())
                .hasSizeGreaterThanOrEqualTo(300)
                .allSatisfy(o -> assertThat(o.code()).isEqualTo(Status.Code.OK));

        List<String> after = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            after.add(Instances.name(channel));
        }
        assertThat(after).as("the survivors answer").isSubsetOf("b", "c").contains("b");
    }

    private static void awaitCalls(ConcurrentLinkedQueue<Outcome> outcomes, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> outcomes.size() >= count);
    }

    /** Waits for 300 calls that started after {@code nanos} to end. */
    private static void awaitCallsStartedAfter(ConcurrentLinkedQueue<Outcome> outcomes, long nanos) {
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        outcomes.stream().filter(o -> o.startedNanos() > nanos).count() >= 300);
    }
}
