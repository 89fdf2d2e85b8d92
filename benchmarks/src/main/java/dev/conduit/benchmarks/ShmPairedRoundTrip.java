package dev.conduit.benchmarks;

import dev.conduit.core.Channel;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The 64-byte round trip of {@link ShmBenchmark} ({@code shm}, {@code idle=spin}) and of {@link AeronIpcBenchmark},
 * measured in turns within one JVM, with a ratio per round.
 *
 * <p>Why: on the 2-vCPU machine this project is measured on, each setup of either side lands at one of two latency
 * levels (for us about 0.44 or 0.58 µs, for Aeron about 0.33 or 0.45 µs), and a JMH fork measures one setup, so a
 * ratio of fork averages moves by ±15% with how the forks fell. Here each round sets up, warms and measures one side
 * and then the other, each alone (its setup is closed before the other's starts), so the rounds show both sides'
 * levels side by side, and the median ratio over many rounds is a steadier figure. This is a check to run beside the
 * JMH figures, not instead of them.
 *
 * <pre>
 * java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
 *     -cp benchmarks/target/benchmarks.jar dev.conduit.benchmarks.ShmPairedRoundTrip [rounds] [seconds] [--setups]
 * </pre>
 *
 * <p>Prints one line per round ({@code round N: shm p50 … aeron p50 … ratio …}) and the median ratio at the end.
 * With {@code --setups} it measures shm alone instead, to show how the level varies between setups and across a
 * garbage collection (see {@link #setupProbe}).
 */
public final class ShmPairedRoundTrip {
    private static final int SIZE = 64;
    /** Latencies are counted per nanosecond up to this; longer ones count as this. */
    private static final int MAX_NANOS = 1_000_000;

    private ShmPairedRoundTrip() {}

    /** One side under test: set up, then timed round trips, then closed. */
    private interface Side extends AutoCloseable {
        void roundTrip() throws Exception;

        @Override
        void close() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>(List.of(args));
        boolean setups = positional.remove("--setups");
        int rounds = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 8;
        double seconds = positional.size() > 1 ? Double.parseDouble(positional.get(1)) : 2;
        long measureNanos = (long) (seconds * 1e9);
        if (setups) {
            setupProbe(rounds, measureNanos);
            return;
        }
        List<Double> ratios = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            // Alternate which side goes first, so that neither always follows the other's teardown.
            boolean shmFirst = round % 2 == 1;
            long[] shm = null;
            long[] aeron = null;
            for (int turn = 0; turn < 2; turn++) {
                boolean isShm = (turn == 0) == shmFirst;
                try (Side side = isShm ? shm() : aeron()) {
                    run(side, measureNanos); // warm-up
                    long[] p = run(side, measureNanos);
                    if (isShm) {
                        shm = p;
                    } else {
                        aeron = p;
                    }
                }
            }
            double ratio = (double) shm[0] / aeron[0];
            ratios.add(ratio);
            System.out.printf(
                    Locale.ROOT,
                    "round %d: shm p50 %.3f us p99 %.3f us, aeron p50 %.3f us p99 %.3f us, ratio %.2f%n",
                    round,
                    shm[0] / 1e3,
                    shm[1] / 1e3,
                    aeron[0] / 1e3,
                    aeron[1] / 1e3,
                    ratio);
        }
        double[] sorted =
                ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(
                Locale.ROOT,
                "median ratio %.2f (min %.2f, max %.2f, %d rounds)%n",
                (sorted[(sorted.length - 1) / 2] + sorted[sorted.length / 2]) / 2,
                sorted[0],
                sorted[sorted.length - 1],
                sorted.length);
    }

    /**
     * {@code --setups}: shm alone, several setups, each measured four times, then after a full garbage collection
     * four times again. A setup keeps its level while nothing happens, and a collection moved it, either way, in
     * some setups.
     */
    private static void setupProbe(int setups, long nanos) throws Exception {
        for (int setup = 1; setup <= setups; setup++) {
            try (Side side = shm()) {
                run(side, nanos); // warm-up
                StringBuilder line = new StringBuilder("setup " + setup + ": p50 ns");
                for (int i = 0; i < 8; i++) {
                    if (i == 4) {
                        System.gc();
                        line.append(" | after gc");
                    }
                    line.append(' ').append(run(side, nanos / 2)[0]);
                }
                System.out.println(line);
            }
        }
    }

    /** Timed round trips for {@code nanos}; returns p50 and p99 in nanoseconds. */
    private static long[] run(Side side, long nanos) throws Exception {
        int[] counts = new int[MAX_NANOS + 1];
        long total = 0;
        long end = System.nanoTime() + nanos;
        long now = System.nanoTime();
        while (now < end) {
            side.roundTrip();
            long after = System.nanoTime();
            counts[(int) Math.min(after - now, MAX_NANOS)]++;
            total++;
            now = after;
        }
        return new long[] {percentile(counts, total, 0.50), percentile(counts, total, 0.99)};
    }

    private static long percentile(int[] counts, long total, double p) {
        long rank = (long) Math.ceil(total * p);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i;
            }
        }
        return MAX_NANOS;
    }

    /** {@link ShmBenchmark.Echo}: a spinning shm client of an echo listener on the poller thread. */
    private static Side shm() {
        Conduit conduit = Conduit.builder().name("paired").build();
        try {
            return shm(conduit);
        } catch (RuntimeException e) {
            conduit.close();
            throw e;
        }
    }

    private static Side shm(Conduit conduit) {
        Listener<byte[]> echo = conduit.listen(
                "shm://*?idle=spin",
                ReusingBytesCodec.INSTANCE,
                ch -> ch.onMessage(
                        (c, m) -> {
                            while (!c.offer(m)) {
                                Thread.onSpinWait();
                            }
                        },
                        Channel.DIRECT));
        Channel<byte[]> client = conduit.connect(echo.endpoint(), ReusingBytesCodec.INSTANCE);
        byte[] payload = new byte[SIZE];
        Duration wait = Duration.ofSeconds(30);
        return new Side() {
            @Override
            public void roundTrip() throws InterruptedException {
                while (!client.offer(payload)) {
                    Thread.onSpinWait();
                }
                byte[] reply = client.receive(wait);
                if (reply == null || reply.length != SIZE) {
                    throw new IllegalStateException("echo lost or damaged a message");
                }
            }

            @Override
            public void close() {
                conduit.close();
            }
        };
    }

    /** {@link AeronIpcBenchmark.PingPong}: Aeron IPC ping-pong with a busy-spinning pong thread. */
    private static Side aeron() {
        MediaDriver driver = AeronIpcBenchmark.launchDriver("aeron-paired-");
        Aeron aeron = null;
        try {
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            return aeron(driver, aeron);
        } catch (RuntimeException e) {
            if (aeron != null) {
                aeron.close();
            }
            driver.close();
            throw e;
        }
    }

    private static Side aeron(MediaDriver driver, Aeron aeron) {
        Publication ping = aeron.addPublication("aeron:ipc", 1001);
        Subscription pings = aeron.addSubscription("aeron:ipc", 1001);
        Publication pong = aeron.addPublication("aeron:ipc", 1002);
        Subscription pongs = aeron.addSubscription("aeron:ipc", 1002);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ping.isConnected() || !pings.isConnected() || !pong.isConnected() || !pongs.isConnected()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("aeron:ipc streams 1001 and 1002 did not connect within 10 s");
            }
            Thread.onSpinWait();
        }
        UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(SIZE));
        int[] replies = new int[1];
        FragmentAssembler onPong = new FragmentAssembler((buffer, offset, length, header) -> replies[0]++);
        FragmentAssembler echo = new FragmentAssembler((buffer, offset, length, header) -> {
            while (pong.offer(buffer, offset, length) < 0) {
                Thread.onSpinWait();
            }
        });
        AtomicBoolean running = new AtomicBoolean(true);
        Thread worker = new Thread(
                () -> {
                    while (running.get()) {
                        if (pings.poll(echo, 10) == 0) {
                            Thread.onSpinWait();
                        }
                    }
                },
                "aeron-pong");
        worker.setDaemon(true);
        worker.start();
        return new Side() {
            @Override
            public void roundTrip() {
                while (ping.offer(payload, 0, SIZE) < 0) {
                    Thread.onSpinWait();
                }
                int before = replies[0];
                while (replies[0] == before) {
                    if (pongs.poll(onPong, 1) == 0) {
                        Thread.onSpinWait();
                    }
                }
            }

            @Override
            public void close() throws InterruptedException {
                running.set(false);
                worker.join(TimeUnit.SECONDS.toMillis(10));
                aeron.close();
                driver.close();
            }
        };
    }
}
