package dev.conduit.core.internal;

import dev.conduit.core.ConduitException;
import dev.conduit.core.RuntimeScheduler;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The threads a runtime owns itself: its handler pool and its timer, both started on demand, and the names every
 * runtime thread carries. Lent to transports ({@link dev.conduit.core.spi.TransportContext}) and to code built on the
 * runtime ({@link RuntimeScheduler}); {@link #close} stops them and waits until each thread has ended. Thread-safe.
 */
final class RuntimeThreads implements RuntimeScheduler {
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final String runtimeName;
    private final ExecutorService ownedHandlerPool;
    private final Executor handlerExecutor;
    /** Threads of the handler pool and the timer, joined by {@link #close}. */
    private final Set<Thread> poolThreads = ConcurrentHashMap.newKeySet();

    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable ScheduledThreadPoolExecutor timer;
    private boolean closed;

    RuntimeThreads(String runtimeName, @Nullable Executor userHandlerExecutor) {
        this.runtimeName = runtimeName;
        this.ownedHandlerPool = new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), trackedThreadFactory("handler"));
        this.handlerExecutor = userHandlerExecutor != null ? userHandlerExecutor : ownedHandlerPool;
    }

    /** Daemon threads named {@code conduit-<runtime>-<purpose>-<n>}. */
    ThreadFactory threadFactory(String purpose) {
        AtomicInteger count = new AtomicInteger();
        String prefix = "conduit-" + runtimeName + "-" + purpose + "-";
        return r -> {
            Thread t = new FastThreadLocalThread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Like {@link #threadFactory}, for the runtime's own pools, whose threads {@link #close} joins: an executor
     * reports termination while its last worker is still on its way out, and after close no thread may be left.
     */
    private ThreadFactory trackedThreadFactory(String purpose) {
        ThreadFactory plain = threadFactory(purpose);
        return r -> {
            Thread t = plain.newThread(r);
            // Not !isAlive(): a thread made but not yet started by another pool call is not alive either.
            poolThreads.removeIf(old -> old.getState() == Thread.State.TERMINATED);
            poolThreads.add(t);
            return t;
        };
    }

    /** The timer, started on first use; after {@link #close}, one that rejects every task. */
    ScheduledExecutorService timer() {
        lock.lock();
        try {
            if (timer == null) {
                ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, trackedThreadFactory("timer"));
                s.setRemoveOnCancelPolicy(true);
                s.setKeepAliveTime(10, TimeUnit.SECONDS);
                s.allowCoreThreadTimeOut(true);
                // Timers left at close (deadlines, handshakes) have nothing left to act on.
                s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
                if (closed) {
                    s.shutdown(); // no thread started: a runtime closed before its first timer makes none after
                }
                timer = s;
            }
            return timer;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return timer().schedule(task, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
        return timer().scheduleWithFixedDelay(task, initialDelay, delay, unit);
    }

    @Override
    public Executor executor() {
        return handlerExecutor;
    }

    /** Stops the timer and the handler pool and joins their threads; adds to {@code failures} what did not stop. */
    void close(List<Throwable> failures) {
        ScheduledThreadPoolExecutor s;
        lock.lock();
        try {
            closed = true;
            s = timer;
        } finally {
            lock.unlock();
        }
        if (s != null) {
            s.shutdownNow();
            awaitTermination(s, failures);
        }
        ownedHandlerPool.shutdown();
        awaitTermination(ownedHandlerPool, failures);
        joinPoolThreads(failures);
    }

    private void joinPoolThreads(List<Throwable> failures) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        for (Thread t : poolThreads) {
            if (t == Thread.currentThread()) {
                continue; // closed from one of its own handlers: this thread ends when the handler returns
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(e);
                return;
            }
            if (t.isAlive()) {
                failures.add(
                        new ConduitException("thread " + t.getName() + " of runtime " + runtimeName + " did not stop"));
            }
        }
        poolThreads.clear();
    }

    private void awaitTermination(ExecutorService executor, List<Throwable> failures) {
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                failures.add(new ConduitException("threads of runtime " + runtimeName + " did not stop in time"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(e);
        }
    }
}
