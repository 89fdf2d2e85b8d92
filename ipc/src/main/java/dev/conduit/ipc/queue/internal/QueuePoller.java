package dev.conduit.ipc.queue.internal;

import dev.conduit.core.CloseReason;
import dev.conduit.core.Idle;
import dev.conduit.ipc.internal.PollerLinks;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that reads for every queue reader of one runtime and idle strategy ({@code
 * conduit-<runtime>-queue-<idle>-1}): each round it lets each link read a batch, in turn.
 *
 * <p>With nothing to read it waits as its {@link Idle} strategy says: {@code spin} never sleeps; {@code backoff}
 * spins {@value #SPIN_MICROS} µs, yields until {@value #YIELD_MICROS} µs more have passed, then parks; {@code block}
 * parks at once. A park lasts at most {@link #PARK_NANOS} (half a millisecond): a writer of this runtime ends it at
 * once ({@link QueueSignals}), a writer elsewhere is seen at the next look, so a parked reader sees a new record within
 * about 0.6 ms.
 *
 * <p>Links are added, removed and closed on this thread only, through {@link #execute}. Closing the poller closes the
 * links it still serves and ends the thread.
 */
final class QueuePoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueuePoller.class);
    static final long SPIN_MICROS = 5;
    static final long YIELD_MICROS = 245;
    static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    /**
     * A round that reads fewer records than this while records keep coming means the reader runs right behind the
     * writers, on the cache lines they are still writing; it then pauses {@value #PAUSES} spin-waits, so that the
     * next round finds a batch instead of fighting the writers for every line. A reader that finds nothing does not
     * pause: the first record after a quiet spell is read at once.
     */
    static final int CAUGHT_UP = 16;

    static final int PAUSES = 20;

    private final Idle idle;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean tasksAdded;
    private QueueLink[] links = new QueueLink[0];
    private volatile boolean running = true;
    private volatile boolean terminated;

    QueuePoller(Idle idle, ThreadFactory threads) {
        this.idle = idle;
        this.thread = threads.newThread(this::run);
        thread.start();
    }

    /** Starts serving {@code link}. */
    void register(QueueLink link) {
        execute(() -> {
            links = PollerLinks.with(links, link);
        });
    }

    /** Stops serving {@code link}; poller thread. */
    void deregister(QueueLink link) {
        links = PollerLinks.without(links, link);
    }

    /** Runs {@code task} on the poller thread, or here if the poller has ended. */
    void execute(Runnable task) {
        tasks.add(task);
        tasksAdded = true;
        if (terminated) {
            runTasks();
        } else {
            LockSupport.unpark(thread);
        }
    }

    /** Ends a park early, for example because a paused link resumed or a delivery freed room. */
    void wakeup() {
        LockSupport.unpark(thread);
    }

    private void run() {
        long idleSince = 0;
        boolean streaming = false;
        try {
            while (running) {
                if (tasksAdded) {
                    tasksAdded = false;
                    runTasks();
                }
                int read = pollLinks();
                if (read > 0) {
                    idleSince = 0;
                    if (streaming && read < CAUGHT_UP) {
                        for (int i = 0; i < PAUSES; i++) {
                            Thread.onSpinWait();
                        }
                    }
                    streaming = true;
                    continue;
                }
                streaming = false;
                if (idle == Idle.SPIN) {
                    Thread.onSpinWait();
                    continue;
                }
                long now = System.nanoTime();
                if (idleSince == 0) {
                    idleSince = now;
                }
                long idleMicros = TimeUnit.NANOSECONDS.toMicros(now - idleSince);
                if (idle == Idle.BACKOFF && idleMicros < SPIN_MICROS) {
                    Thread.onSpinWait();
                } else if (idle == Idle.BACKOFF && idleMicros < SPIN_MICROS + YIELD_MICROS) {
                    Thread.yield();
                } else {
                    park();
                }
            }
        } catch (Throwable t) {
            log.error("queue poller failed; closing its links", t);
        } finally {
            shutdown();
        }
    }

    private int pollLinks() {
        int read = 0;
        for (QueueLink l : links) {
            try {
                read += l.poll();
            } catch (Exception e) {
                l.closeNow(CloseReason.error(e));
                read++;
            }
        }
        return read;
    }

    private void park() {
        QueueLink[] ls = links;
        Thread me = Thread.currentThread();
        for (QueueLink l : ls) {
            l.signal().parking(me);
        }
        boolean ready = !tasks.isEmpty();
        for (int i = 0; i < ls.length && !ready; i++) {
            ready = ls[i].hasRecord();
        }
        if (!ready) {
            LockSupport.parkNanos(this, PARK_NANOS);
        }
        for (QueueLink l : ls) {
            l.signal().awake(me);
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("queue poller task failed", e);
            }
        }
    }

    private void shutdown() {
        terminated = true;
        runTasks();
        for (QueueLink l : links) {
            l.closeNow(CloseReason.LOCAL);
        }
        runTasks();
    }

    /** Closes the links still served and ends the thread; waits for it. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "queue poller (" + idle.uriName() + ", " + thread.getName() + ")";
    }
}
