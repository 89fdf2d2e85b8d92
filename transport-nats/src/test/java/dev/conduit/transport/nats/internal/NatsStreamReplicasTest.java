package dev.conduit.transport.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.transport.nats.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stream of three replicas on a three-node JetStream cluster on loopback survives the SIGKILL of a node while a
 * writer appends: every append JetStream acknowledged is read back, in order, from the two survivors.
 */
class NatsStreamReplicasTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int AFTER_KILL = 2_000;
    private static final int KILL_AT = 1_000;
    private static final int WINDOW = 64;

    private final Conduit writing = Conduit.builder().name("writing").build();
    private final Conduit reading = Conduit.builder().name("reading").build();
    private List<NatsServer> nodes = List.of();
    private Connection admin;

    @AfterEach
    void close() throws InterruptedException {
        reading.close();
        writing.close();
        if (admin != null) {
            admin.close();
        }
        nodes.forEach(NatsServer::close);
    }

    @Test
    void noAcknowledgedAppendIsLostWhenTheStreamLeadersNodeIsKilledWhileAppending() throws Exception {
        nodes = NatsServer.cluster(3);
        String all = nodes.stream().map(NatsServer::address).collect(Collectors.joining(","));
        String uri = "nats://" + all + "/stream/R3?replicas=3";
        // The cluster elects its JetStream meta leader a few seconds after the nodes start; until then no stream.
        Channel<byte[]> writer = await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsInstanceOf(ConnectFailedException.class)
                .until(() -> writing.connect(uri, Codecs.bytes()), c -> true);
        admin = Nats.connect(new Options.Builder()
                .servers(nodes.stream().map(NatsServer::url).toArray(String[]::new))
                .build());
        var info = admin.jetStreamManagement().getStreamInfo("R3");
        assertThat(info.getConfiguration().getReplicas()).isEqualTo(3);
        String leader = info.getClusterInfo().getLeader();
        NatsServer victim =
                nodes.stream().filter(n -> n.name().equals(leader)).findFirst().orElseThrow();

        Set<Long> acked = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger ackedAfterKill = new AtomicInteger();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        Semaphore window = new Semaphore(WINDOW);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        // While the survivors elect a new stream leader, appends fail (no one stores them); the writer goes on until
        // the stream takes appends again, and a good many after.
        for (long i = 0; ackedAfterKill.get() < AFTER_KILL; i++) {
            assertThat(System.nanoTime())
                    .as(
                            "%d appends acknowledged after the kill within %s; %d failed, the first with %s",
                            ackedAfterKill.get(), TIMEOUT, failed.get(), firstFailure.get())
                    .isLessThan(deadline);
            assertThat(window.tryAcquire(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("a send completed within %s", TIMEOUT)
                    .isTrue();
            long n = i;
            int failedBefore = failed.get();
            writer.send(ByteBuffer.allocate(64).putLong(n).array()).whenComplete((v, e) -> {
                if (e == null) {
                    acked.add(n);
                    if (n > KILL_AT + WINDOW) {
                        ackedAfterKill.incrementAndGet();
                    }
                } else {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, e);
                }
                window.release();
            });
            if (i == KILL_AT) {
                victim.kill(); // SIGKILL, while up to WINDOW appends are in flight
            }
            if (failed.get() != failedBefore) {
                Thread.sleep(5); // no leader yet: do not flood the survivors while they elect one
            }
        }
        assertThat(window.tryAcquire(WINDOW, TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("every send completed")
                .isTrue();

        List<String> survivors = new ArrayList<>();
        nodes.stream().filter(n -> n != victim).forEach(n -> survivors.add(n.address()));
        String readUri = "nats://" + String.join(",", survivors) + "/stream/R3?reader=check&from=start";
        Channel<byte[]> reader = await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsInstanceOf(ConnectFailedException.class)
                .until(() -> reading.connect(readUri, Codecs.bytes()), c -> true);
        Set<Long> seen = new java.util.HashSet<>();
        long last = -1;
        while (!seen.containsAll(acked)) {
            byte[] m = reader.receive(TIMEOUT);
            assertThat(m)
                    .as("a message within %s; %d of %d acknowledged appends read", TIMEOUT, seen.size(), acked.size())
                    .isNotNull();
            long n = ByteBuffer.wrap(m).getLong();
            if (seen.add(n)) {
                assertThat(n)
                        .as("appends come back in the order they were made")
                        .isGreaterThan(last);
                last = n;
            }
        }
    }
}
