package dev.conduit.examples.tour;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Shows that a slow row is working: while a row runs longer than {@link #EVERY}, a line every {@link #EVERY} on its
 * own stream (stderr, so the table and {@code --json} stay clean) with what the row has checked so far:
 *
 * <pre>
 * tour: shm/spin: working, 41250 messages and calls checked so far
 * </pre>
 *
 * <p>Thread-safe: the tour's thread starts and ends watches, a timer thread of its own reads them.
 */
final class TourProgress implements AutoCloseable {
    static final Duration EVERY = Duration.ofSeconds(3);

    /** One row being watched: what it has checked, and whether it has finished. */
    static final class Watch {
        private final String name;
        private final long startedNanos;
        private final AtomicLong verified = new AtomicLong();
        private volatile boolean done;

        Watch(String name, long startedNanos) {
            this.name = name;
            this.startedNanos = startedNanos;
        }

        /** The row's count of checked messages and calls, which the row increments. */
        AtomicLong verified() {
            return verified;
        }

        void done() {
            done = true;
        }
    }

    private final PrintWriter out;
    private final @Nullable ScheduledExecutorService timer;
    private volatile @Nullable Watch current;

    TourProgress(PrintWriter out, @Nullable ScheduledExecutorService timer) {
        this.out = out;
        this.timer = timer;
    }

    /** Progress printed to {@code out} by a daemon timer thread until {@link #close()}. */
    static TourProgress start(PrintWriter out) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "conduit-tour-progress");
            t.setDaemon(true);
            return t;
        });
        TourProgress progress = new TourProgress(out, timer);
        long every = EVERY.toMillis();
        timer.scheduleAtFixedRate(() -> progress.tick(System.nanoTime()), every, every, TimeUnit.MILLISECONDS);
        return progress;
    }

    /** Starts watching the row {@code name}; the previous watch, if any, is no longer reported. */
    Watch watch(String name) {
        Watch w = new Watch(name, System.nanoTime());
        current = w;
        return w;
    }

    /** Prints a line for the current row if it is still running {@link #EVERY} after it started. */
    void tick(long nowNanos) {
        Watch w = current;
        if (w == null || w.done || nowNanos - w.startedNanos < EVERY.toNanos()) {
            return;
        }
        out.println("tour: " + w.name + ": working, " + w.verified.get() + " messages and calls checked so far");
        out.flush();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
