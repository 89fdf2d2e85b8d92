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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several RPC server instances behind one nats:// subject, one client: its calls spread over every live instance, a
 * killed instance's calls fail UNAVAILABLE and the survivors take the rest, a draining one finishes its calls while
 * the others serve. Against a real nats-server.
 */
class RpcOverNatsInstancesTest {
    private static final AtomicInteger SUBJECTS = new AtomicInteger();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private String uri;
    private Instances instances;
    private Conduit client;
    private RpcChannel channel;

    @BeforeEach
    void setUp() {
        uri = "nats://" + NatsServer.shared().address() + "/kv."
                + ProcessHandle.current().pid() + "." + SUBJECTS.incrementAndGet();
        instances = new Instances();
        client = Conduit.builder().name("client").build();
        channel = RpcChannel.builder(client).target(uri).build();
    }

    @AfterEach
    void tearDown() throws Exception {
        channel.close();
        client.close();
        instances.close();
    }

    @Test
    void callsFromOneClientSpreadOverEveryLiveInstanceAndReachOneThatJoinsLater() {
        instances.inProcess(uri, "a");
        instances.inProcess(uri, "b");
        instances.inProcess(uri, "c");
        // Instances announce themselves; the channel connects to each as it hears of it.
        await().atMost(TIMEOUT).until(() -> Instances.names(channel, 12).equals(Set.of("a", "b", "c")));

        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.merge(Instances.name(channel), 1, Integer::sum);
        }
        assertThat(counts).as("calls per instance, round-robin").containsOnlyKeys("a", "b", "c");
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(90, 110));
        assertThat(channel.endpointStates())
                .as("one connection per instance")
                .hasSize(3)
                .allSatisfy(s -> assertThat(s).contains("instance=").endsWith("(READY)"));

        instances.inProcess(uri, "d");
        await().atMost(TIMEOUT).until(() -> Instances.names(channel, 16).contains("d"));
    }

    @Test
    void killedInstanceFailsItsCallsUnavailableAndLaterCallsGoToTheSurvivors() throws Exception {
        instances.inProcess(uri, "a");
        instances.inProcess(uri, "b");
        Process killed = instances.child(uri, "k");
        await().atMost(TIMEOUT).until(() -> Instances.names(channel, 12).equals(Set.of("a", "b", "k")));

        List<CompletableFuture<StringValue>> held = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            held.add(hold(5_000));
        }
        long killedAt = System.nanoTime();
        java.util.concurrent.atomic.AtomicLong noticedAt = new java.util.concurrent.atomic.AtomicLong(killedAt);
        held.forEach(call -> call.whenComplete((v, e) -> {
            if (e != null) {
                noticedAt.accumulateAndGet(System.nanoTime(), Math::max);
            }
        }));
        killed.destroyForcibly();
        // Round-robin gave the killed instance a third of the calls; its sessions end by heartbeat
        // (heartbeatTimeout 1 s, checked every 50 ms), which fails them.
        await().atMost(TIMEOUT)
                .until(() -> held.stream()
                                .filter(CompletableFuture::isCompletedExceptionally)
                                .count()
                        == 3);
        long noticeMillis = TimeUnit.NANOSECONDS.toMillis(noticedAt.get() - killedAt);
        System.out.println("the killed instance's calls failed " + noticeMillis + " ms after SIGKILL");
        assertThat(noticeMillis)
                .as("ms until the killed instance's calls failed (slack for a loaded machine)")
                .isLessThan(3_000);
        // From then on every call goes to a survivor.
        for (int i = 0; i < 100; i++) {
            assertThat(Instances.name(channel)).isIn("a", "b");
        }
        for (CompletableFuture<StringValue> call : held) {
            try {
                assertThat(call.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).getValue())
                        .isIn("a", "b");
            } catch (java.util.concurrent.ExecutionException e) {
                Status s = Status.fromThrowable(e.getCause());
                assertThat(s.code())
                        .as("status of a call the killed instance had: %s", s)
                        .isEqualTo(Status.Code.UNAVAILABLE);
            }
        }
    }

    @Test
    void gracefulShutdownOfOneInstanceFinishesItsCallsWhileTheOthersServe() throws Exception {
        Instances.Instance a = instances.inProcess(uri, "a");
        instances.inProcess(uri, "b");
        await().atMost(TIMEOUT).until(() -> Instances.names(channel, 8).equals(Set.of("a", "b")));

        List<CompletableFuture<StringValue>> held = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            held.add(hold(1_500));
        }
        await().atMost(TIMEOUT).until(() -> a.holding().get() == 3);
        a.server().shutdown();

        int notProcessed = 0;
        for (int i = 0; i < 50; i++) {
            try {
                assertThat(Instances.name(channel)).isEqualTo("b");
            } catch (dev.conduit.rpc.RpcException e) {
                // A call sent in the instant before the client heard GOAWAY: the server did not run it.
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description()).contains("GOAWAY");
                notProcessed++;
            }
        }
        List<String> answered = new ArrayList<>();
        for (CompletableFuture<StringValue> call : held) {
            answered.add(call.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).getValue());
        }
        assertThat(answered)
                .as("the draining instance finished its calls")
                .containsExactlyInAnyOrder("a", "a", "a", "b", "b", "b");
        assertThat(a.server().awaitTermination(TIMEOUT))
                .as("drained and terminated")
                .isTrue();
        assertThat(notProcessed).as("calls that raced the GOAWAY").isLessThan(5);
        for (int i = 0; i < 50; i++) {
            assertThat(Instances.name(channel)).isEqualTo("b");
        }
    }

    private CompletableFuture<StringValue> hold(long millis) {
        return ClientCalls.futureUnary(
                channel,
                InstanceService.HOLD,
                CallOptions.DEFAULT.withTimeout(TIMEOUT),
                StringValue.of(String.valueOf(millis)));
    }
}
