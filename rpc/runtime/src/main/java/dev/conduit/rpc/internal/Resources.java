package dev.conduit.rpc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The threads a server or client channel owns: one timer thread, and the pools it creates. Threads are daemons named
 * {@code conduit-<owner><n>-<purpose>-<k>}; {@link #close()} stops them all and waits briefly for them to end.
 */
final class Resources implements AutoCloseable {
    private static final AtomicInteger OWNERS = new AtomicInteger();

    private final String prefix;
    private final ScheduledThreadPoolExecutor scheduler;
    private final List<ExecutorService> pools = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();

    Resources(String owner) {
        this.prefix = "conduit-" + owner + OWNERS.incrementAndGet() + "-";
        this.scheduler = new ScheduledThreadPoolExecutor(1, threads("timer"));
        scheduler.setRemoveOnCancelPolicy(true);
        // Timers left at close (deadlines, handshakes) have nothing left to act on.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** A cached pool of daemon threads, stopped by {@link #close()}. */
    ExecutorService newPool(String purpose) {
        ExecutorService pool = new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), threads(purpose));
        lock.lock();
        try {
            pools.add(pool);
        } finally {
            lock.unlock();
        }
        return pool;
    }

    private ThreadFactory threads(String purpose) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + purpose + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        List<ExecutorService> all;
        lock.lock();
        try {
            all = new ArrayList<>(pools);
            pools.clear();
        } finally {
            lock.unlock();
        }
        all.add(scheduler);
        for (ExecutorService e : all) {
            e.shutdown();
        }
        for (ExecutorService e : all) {
            try {
                if (!e.awaitTermination(5, TimeUnit.SECONDS)) {
                    e.shutdownNow();
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                e.shutdownNow();
            }
        }
    }
}
