package dev.conduit.ipc.queue.internal;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's background work for queue writers ({@code conduit-<runtime>-queue-prepare-1}): it creates the next
 * segment while the current one is still half empty, so that a writer that fills a segment finds the next one ready
 * instead of zero-filling tens of megabytes in the middle of a send, and then applies retention. A writer that gets
 * to the end of a segment while the creation of the next is under way here waits for it ({@link #awaitAfter}) rather
 * than zero-filling a second copy of the same file beside it, which doubled the work on a machine with few cores.
 * Nothing here is needed for correctness: a writer that finds no next segment, and none being made, creates it
 * itself. A runtime resource; its thread ends a few seconds after the last task, and with the runtime.
 */
final class SegmentPreparer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentPreparer.class);
    /**
     * How long a writer waits for a creation under way before it makes the segment itself: far longer than creating
     * one takes (milliseconds, or an fsync of it with {@code sync=always}), short enough that a stuck disk fails sends.
     */
    private static final long AWAIT_SECONDS = 10;

    /** How a segment is made; {@link QueueDirectory#createSegment} but in tests. */
    interface Maker {
        void make(QueueDirectory dir, long number, int size, boolean durable) throws IOException;
    }

    /** A creation queued or under way. */
    private static final class Pending {
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean started;
    }

    private final ThreadPoolExecutor executor;
    private final Maker maker;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();

    SegmentPreparer(ThreadFactory threads) {
        this(threads, QueueDirectory::createSegment);
    }

    SegmentPreparer(ThreadFactory threads, Maker maker) {
        this.maker = maker;
        executor = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        executor.allowCoreThreadTimeOut(true);
    }

    /** What the appenders of queue {@code dir} ask of this preparer. */
    Appender.Preparation preparation(QueueDirectory dir, int size, boolean durable, Retention.Policy policy) {
        return new Appender.Preparation() {
            @Override
            public void prepareAfter(long segment) {
                SegmentPreparer.this.prepareAfter(dir, segment, size, durable, policy);
            }

            @Override
            public boolean awaitAfter(long segment) {
                return SegmentPreparer.this.awaitAfter(dir, segment);
            }
        };
    }

    /** Creates segment {@code segment + 1} if {@code segment} is still the newest, then applies {@code policy}. */
    void prepareAfter(QueueDirectory dir, long segment, int size, boolean durable, Retention.Policy policy) {
        String key = key(dir, segment);
        Pending p = new Pending();
        if (pending.putIfAbsent(key, p) != null) {
            return;
        }
        boolean queued = submit(() -> {
            p.started = true;
            try {
                if (dir.newestSegment() == segment) {
                    maker.make(dir, segment + 1, size, durable);
                }
            } catch (IOException e) {
                log.debug("could not prepare segment {} of {} ahead of time: {}", segment + 1, dir, e.toString());
            } finally {
                pending.remove(key, p);
                p.done.countDown();
            }
            retain(dir, policy);
        });
        if (!queued) {
            pending.remove(key, p);
            p.done.countDown();
        }
    }

    /**
     * Waits until the creation of segment {@code segment + 1} that this preparer is running ends (made or failed);
     * returns whether there was one. A creation still queued behind other work is not waited for: the writer is
     * quicker making the segment itself, and the queued task then finds it there.
     */
    boolean awaitAfter(QueueDirectory dir, long segment) {
        Pending p = pending.get(key(dir, segment));
        if (p == null || !p.started) {
            return false;
        }
        try {
            if (!p.done.await(AWAIT_SECONDS, TimeUnit.SECONDS)) {
                log.debug("segment {} of {} still being prepared after {} s", segment + 1, dir, AWAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** Applies {@code policy} to {@code dir} in the background. */
    void retainSoon(QueueDirectory dir, Retention.Policy policy) {
        if (!policy.keepsAll()) {
            submit(() -> retain(dir, policy));
        }
    }

    private static String key(QueueDirectory dir, long segment) {
        return dir + "#" + segment;
    }

    private static void retain(QueueDirectory dir, Retention.Policy policy) {
        try {
            Retention.apply(dir, policy);
        } catch (IOException | RuntimeException e) {
            log.warn("queue {}: retention failed: {}", dir, e.toString());
        }
    }

    private boolean submit(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            log.debug("runtime closing: background queue work dropped");
            return false;
        }
    }

    /** Lets the work under way finish, then ends the thread. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
