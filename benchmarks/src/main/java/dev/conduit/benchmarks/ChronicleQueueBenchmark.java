package dev.conduit.benchmarks;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
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
 * Chronicle Queue (open-source edition) in the shapes of {@link QueueBenchmark}: appenders write raw bytes, a named
 * tailer on a thread of its own spins and counts. Chronicle needs module flags on Java 17, given to the fork here.
 * Its files roll daily and are not deleted during a trial, so a trial writes everything it appends to the
 * directory (removed at the end).
 */
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true"
        })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChronicleQueueBenchmark {
    static final int BATCH = QueueBenchmark.BATCH;
    static final long WINDOW = QueueBenchmark.WINDOW;

    /** The queue and the spinning, counting tailer. */
    @State(Scope.Benchmark)
    public static class Tail {
        @Param({"64", "1024"})
        int size;

        Path dir;
        ChronicleQueue queue;
        Thread tailing;
        volatile boolean running = true;
        final PaddedCounter sunk = new PaddedCounter();
        final AtomicLong appended = new AtomicLong();

        @Setup(Level.Trial)
        public void setUp() {
            dir = QueueDirs.fresh("chronicle-queue-bench");
            queue = SingleChronicleQueueBuilder.binary(dir).blockSize(64 << 20).build();
            tailing = new Thread(this::tail, "chronicle-tailer");
            tailing.setDaemon(true);
            tailing.start();
        }

        private void tail() {
            ExcerptTailer tailer = queue.createTailer("bench");
            Bytes<?> into = Bytes.allocateElasticDirect(4096);
            while (running) {
                into.clear();
                if (tailer.readBytes(into)) {
                    sunk.increment();
                } else {
                    Thread.onSpinWait();
                }
            }
            into.releaseLast();
            tailer.close();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            running = false;
            tailing.join(10_000);
            queue.close();
            QueueDirs.delete(dir);
        }
    }

    /** One writer thread's appender. */
    @State(Scope.Thread)
    public static class Writer {
        ExcerptAppender appender;
        BytesStore<?, ?> payload;

        @Setup(Level.Trial)
        public void setUp(Tail tail) {
            appender = tail.queue.createAppender();
            payload = BytesStore.wrap(new byte[tail.size]);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            appender.close();
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
        for (int i = 0; i < BATCH; i++) {
            writer.appender.writeBytes(writer.payload);
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
        writer.appender.writeBytes(writer.payload);
        while (tail.sunk.get() < target) {
            Thread.onSpinWait();
        }
        return target;
    }
}
