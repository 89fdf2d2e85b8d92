package dev.conduit.benchmarks;

import dev.conduit.core.Channel;
import dev.conduit.core.Conduit;
import dev.conduit.transport.nats.testing.NatsServer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A durable queue's append→consume rate on a JetStream stream ({@code nats}: one nats-server on loopback with
 * JetStream, started here; a stream of one replica on its file store) beside {@code queue://} in the same shape: one
 * writer appends with {@code send}, a named reader with a handler on its own thread ({@code Channel.DIRECT}) counts
 * what it gets. The writer stops {@value #WINDOW} messages ahead of the reader, so the rate is what reaches the reader.
 * On the stream each message is stored (and its publish acknowledged) by the server and pulled and acked by the
 * reader: two hops through a broker against a memory-mapped file. Needs {@code nats-server} installed.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NatsStreamBenchmark {
    static final int BATCH = 1000;
    static final long WINDOW = 20_000;

    @Param({"nats", "queue"})
    String transport;

    @Param({"64"})
    int size;

    private @Nullable NatsServer server;
    private @Nullable Path dir;
    private Conduit conduit;
    private Channel<byte[]> writer;
    private byte[] payload;
    private final PaddedCounter sunk = new PaddedCounter();
    private final AtomicLong appended = new AtomicLong();
    private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

    @Setup(Level.Trial)
    public void start() {
        String uri;
        if (transport.equals("nats")) {
            server = NatsServer.start();
            uri = "nats://" + server.address() + "/stream/BENCH";
        } else {
            dir = QueueDirs.fresh("conduit-stream-bench");
            uri = "queue://" + dir + "?segmentSize=64m&retainBytes=1g";
        }
        conduit = Conduit.builder().name("bench").build();
        writer = conduit.connect(uri, ReusingBytesCodec.INSTANCE);
        Channel<byte[]> reader =
                conduit.connect(uri + (uri.contains("?") ? "&" : "?") + "reader=bench", ReusingBytesCodec.INSTANCE);
        reader.onMessage((c, m) -> sunk.increment(), Channel.DIRECT);
        payload = new byte[size];
    }

    @TearDown(Level.Trial)
    public void stop() {
        conduit.close();
        if (server != null) {
            server.close();
        }
        if (dir != null) {
            QueueDirs.delete(dir);
        }
    }

    /** Messages per second from one writer's {@code send} to the reader's handler. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void appendToConsume() {
        Throwable failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("an append failed: " + failed, failed);
        }
        for (int i = 0; i < BATCH; i++) {
            writer.send(payload).whenComplete((v, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        long total = appended.addAndGet(BATCH);
        while (total - sunk.get() > WINDOW) {
            // Parks rather than spins: on two cores a spinning writer would starve the nats-server it waits for.
            LockSupport.parkNanos(20_000);
        }
    }
}
