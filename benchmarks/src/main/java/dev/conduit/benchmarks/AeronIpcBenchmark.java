package dev.conduit.benchmarks;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
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
 * The yardstick for {@link ShmBenchmark}: Aeron IPC ({@code aeron:ipc}) with an embedded media driver whose directory
 * under {@code /dev/shm} is deleted on start and shutdown. Ping-pong and sink loops busy-spin, as ours do with {@code
 * idle=spin}. The driver's conductor (not on the IPC data path) backs off rather than spinning, so that on a 2-core
 * machine it does not take a core from the two busy threads being measured.
 */
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AeronIpcBenchmark {
    static final int BATCH = 1000;
    private static final String IPC = "aeron:ipc";

    /**
     * An embedded media driver in a directory of its own under {@code /dev/shm} (or the temp directory), deleted on
     * start and shutdown; its conductor backs off. Shared with {@link ShmPairedRoundTrip}.
     */
    static MediaDriver launchDriver(String prefix) {
        Path base = Path.of("/dev/shm").toFile().isDirectory()
                ? Path.of("/dev/shm")
                : Path.of(System.getProperty("java.io.tmpdir"));
        return MediaDriver.launchEmbedded(new MediaDriver.Context()
                .aeronDirectoryName(
                        base.resolve(prefix + ProcessHandle.current().pid()).toString())
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy()));
    }

    /** A media driver and client; the base of both setups. */
    public abstract static class Base {
        MediaDriver driver;
        Aeron aeron;
        UnsafeBuffer payload;
        volatile boolean running = true;
        Thread worker;

        void startAeron() {
            driver = launchDriver("aeron-bench-");
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            payload = new UnsafeBuffer(ByteBuffer.allocateDirect(size()));
        }

        abstract int size();

        void startWorker(String name, Runnable loop) {
            worker = new Thread(loop, name);
            worker.setDaemon(true);
            worker.start();
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            running = false;
            if (worker != null) {
                worker.join(TimeUnit.SECONDS.toMillis(10));
            }
            aeron.close();
            driver.close();
        }

        static void awaitConnected(Publication pub, Subscription sub) {
            while (!pub.isConnected() || !sub.isConnected()) {
                Thread.onSpinWait();
            }
        }

        static void offer(Publication pub, UnsafeBuffer buffer, int length) {
            while (pub.offer(buffer, 0, length) < 0) {
                Thread.onSpinWait();
            }
        }
    }

    /** Ping on stream 1001, pong echoed back on 1002 by a busy-spinning thread. */
    @State(Scope.Benchmark)
    public static class PingPong extends Base {
        @Param({"64", "1024", "65536"})
        int size;

        Publication ping;
        Subscription pongs;
        FragmentAssembler onPong;
        int replies;

        @Override
        int size() {
            return size;
        }

        @Setup(Level.Trial)
        public void start() {
            startAeron();
            ping = aeron.addPublication(IPC, 1001);
            Subscription pings = aeron.addSubscription(IPC, 1001);
            Publication pong = aeron.addPublication(IPC, 1002);
            pongs = aeron.addSubscription(IPC, 1002);
            awaitConnected(ping, pings);
            awaitConnected(pong, pongs);
            onPong = new FragmentAssembler((buffer, offset, length, header) -> replies++);
            FragmentAssembler echo = new FragmentAssembler((buffer, offset, length, header) -> {
                while (pong.offer(buffer, offset, length) < 0) {
                    Thread.onSpinWait();
                }
            });
            startWorker("aeron-pong", () -> {
                while (running) {
                    if (pings.poll(echo, 10) == 0) {
                        Thread.onSpinWait();
                    }
                }
            });
        }
    }

    /** A sink on stream 1003, polled by a busy-spinning thread. */
    @State(Scope.Benchmark)
    public static class Sink extends Base {
        @Param({"64", "1024", "65536"})
        int size;

        Publication pub;
        long received;

        @Override
        int size() {
            return size;
        }

        @Setup(Level.Trial)
        public void start() {
            startAeron();
            pub = aeron.addPublication(IPC, 1003);
            Subscription sub = aeron.addSubscription(IPC, 1003);
            awaitConnected(pub, sub);
            FragmentHandler count = new FragmentAssembler((buffer, offset, length, header) -> received++);
            startWorker("aeron-sink", () -> {
                while (running) {
                    if (sub.poll(count, 256) == 0) {
                        Thread.onSpinWait();
                    }
                }
            });
        }
    }

    /** One ping-pong round trip. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int roundTrip(PingPong s) {
        Base.offer(s.ping, s.payload, s.size);
        int before = s.replies;
        while (s.replies == before) {
            if (s.pongs.poll(s.onPong, 1) == 0) {
                Thread.onSpinWait();
            }
        }
        return s.replies;
    }

    /** Messages per second into a sink, one way. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void oneWay(Sink s) {
        for (int i = 0; i < BATCH; i++) {
            Base.offer(s.pub, s.payload, s.size);
        }
    }
}
