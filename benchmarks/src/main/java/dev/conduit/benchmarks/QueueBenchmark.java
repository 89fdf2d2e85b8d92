package dev.conduit.benchmarks;

import dev.conduit.core.Channel;
import dev.conduit.core.Conduit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code queue://}, one way, append to tail: a named reader with a handler on its spinning poller thread ({@code
 * Channel.DIRECT}) counts what it gets while writers append with {@link Channel#offer}. Compare with {@link
 * ChronicleQueueBenchmark} (the same shapes) and {@link ShmBenchmark#oneWay} in the same run.
 *
 * <ul>
 *   <li>{@code oneWriter}, {@code twoWriters}: messages per second through the queue. A writer never waits for the
 *       reader (the disk is the buffer), so the writers stop {@value #WINDOW} messages ahead of it: the rate is what
 *       reaches the reader, not only what was appended.
 *   <li>{@code appendToTail}: one message appended, then spin until the reader has it: the writer-to-reader latency,
 *       plus the reader's counter coming back to the writer's core (one cache-line transfer).
 *   <li>{@code syncAlways}, {@code syncAlwaysPipelined}: {@code sync=always} sends, one at a time and {@value
 *       #IN_FLIGHT} in flight (sharing their {@code fsync}s), on the temp directory's disk.
 * </ul>
 *
 * Segments are 64 MiB and {@code retainBytes=1g} keeps a trial's disk use bounded. Before the reader connects (at
 * the end), each trial appends until retention has deleted the first segment: a queue that has run a while, whose
 * new segments reuse the page cache of deleted ones. A fresh queue first fills {@code retainBytes} of new page cache;
 * on our VMs the first touch of such a page costs ~9 µs, most likely the host backing it again (a 64 MiB segment takes
 * ~150 ms to create instead of ~13 ms), which would otherwise make the first seconds of a trial a measurement of the VM.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class QueueBenchmark {
    static final int BATCH = 1000;
    static final long WINDOW = 1 << 20;
    static final int IN_FLIGHT = 64;

    /** The queue, its runtime and the counting reader. */
    @State(Scope.Benchmark)
    public static class Tail {
        @Param({"64", "1024"})
        int size;

        Conduit conduit;
        Path dir;
        String uri;
        final PaddedCounter sunk = new PaddedCounter();
        final AtomicLong appended = new AtomicLong();

        @Setup(Level.Trial)
        public void setUp() {
            dir = QueueDirs.fresh("conduit-queue-bench");
            uri = "queue://" + dir + "?segmentSize=64m&retainBytes=1g";
            conduit = Conduit.builder().name("bench").build();
            fillPastRetention(conduit, uri, dir, size);
            Channel<byte[]> reader = conduit.connect(uri + "&reader=bench&idle=spin", ReusingBytesCodec.INSTANCE);
            reader.onMessage((c, m) -> sunk.increment(), Channel.DIRECT);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            conduit.close();
            QueueDirs.delete(dir);
        }
    }

    /** Appends until retention has deleted segment 0, so that the trial runs on recycled page cache. */
    static void fillPastRetention(Conduit conduit, String uri, Path dir, int size) {
        Path first = dir.resolve(String.format("%020d.seg", 0));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        byte[] payload = new byte[size];
        try (Channel<byte[]> writer = conduit.connect(uri, ReusingBytesCodec.INSTANCE)) {
            while (Files.exists(first)) {
                for (int i = 0; i < 10 * BATCH; i++) {
                    if (!writer.offer(payload)) {
                        throw new IllegalStateException("the queue refused a message");
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("retention did not delete " + first + " within 2 minutes");
                }
            }
        }
    }

    /** One writer thread's channel: each thread appends through a channel of its own. */
    @State(Scope.Thread)
    public static class Writer {
        Channel<byte[]> channel;
        byte[] payload;

        @Setup(Level.Trial)
        public void setUp(Tail tail) {
            channel = tail.conduit.connect(tail.uri, ReusingBytesCodec.INSTANCE);
            payload = new byte[tail.size];
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    @Threads(1)
    public void oneWriter(Tail tail, Writer writer) {
        appendBatch(tail, writer);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    @Threads(2)
    public void twoWriters(Tail tail, Writer writer) {
        appendBatch(tail, writer);
    }

    private static void appendBatch(Tail tail, Writer writer) {
        Channel<byte[]> channel = writer.channel;
        byte[] payload = writer.payload;
        for (int i = 0; i < BATCH; i++) {
            if (!channel.offer(payload)) {
                throw new IllegalStateException("the queue refused a message");
            }
        }
        long total = tail.appended.addAndGet(BATCH);
        while (total - tail.sunk.get() > WINDOW) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public long appendToTail(Tail tail, Writer writer) {
        long target = tail.sunk.get() + 1;
        if (!writer.channel.offer(writer.payload)) {
            throw new IllegalStateException("the queue refused a message");
        }
        while (tail.sunk.get() < target) {
            Thread.onSpinWait();
        }
        return target;
    }

    /** A writer with {@code sync=always}, on the temp directory (a disk: on tmpfs {@code fsync} does nothing). */
    @State(Scope.Benchmark)
    public static class Durable {
        @Param({"64"})
        int size;

        Conduit conduit;
        Path dir;
        Channel<byte[]> channel;
        byte[] payload;
        final CompletableFuture<?>[] inFlight = new CompletableFuture<?>[IN_FLIGHT];
        int next;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dir = java.nio.file.Files.createTempDirectory("conduit-queue-sync");
            conduit = Conduit.builder().name("bench").build();
            channel = conduit.connect(
                    "queue://" + dir + "?sync=always&segmentSize=64m&retainBytes=1g", ReusingBytesCodec.INSTANCE);
            payload = new byte[size];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            conduit.close();
            QueueDirs.delete(dir);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void syncAlways(Durable d) {
        d.channel.send(d.payload).join();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void syncAlwaysPipelined(Durable d) {
        int slot = d.next++ & (IN_FLIGHT - 1);
        CompletableFuture<?> oldest = d.inFlight[slot];
        if (oldest != null) {
            oldest.join();
        }
        d.inFlight[slot] = d.channel.send(d.payload);
    }
}
