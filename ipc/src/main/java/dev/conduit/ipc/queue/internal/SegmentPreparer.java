package dev.conduit.ipc.queue.internal;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * instead of zero-filling tens of megabytes in the middle of a send, and then applies retention. Nothing here is
 * needed for correctness: a writer that finds no next segment creates it itself. A runtime resource; its thread
 * ends a few seconds after the last task, and with the runtime.
 */
final class SegmentPreparer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentPreparer.class);

    private final ThreadPoolExecutor executor;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    SegmentPreparer(ThreadFactory threads) {
        executor = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        executor.allowCoreThreadTimeOut(true);
    }

    /** Creates segment {@code segment + 1} if {@code segment} is still the newest, then applies {@code policy}. */
    void prepareAfter(QueueDirectory dir, long segment, int size, boolean durable, Retention.Policy policy) {
        String key = dir + "#" + segment;
        if (!queued.add(key)) {
            return;
        }
        submit(() -> {
            try {
                if (dir.newestSegment() == segment) {
                    dir.createSegment(segment + 1, size, durable);
                }
            } catch (IOException e) {
                log.debug("could not prepare segment {} of {} ahead of time: {}", segment + 1, dir, e.toString());
            } finally {
                queued.remove(key);
            }
            retain(dir, policy);
        });
    }

    /** Applies {@code policy} to {@code dir} in the background. */
    void retainSoon(QueueDirectory dir, Retention.Policy policy) {
        if (!policy.keepsAll()) {
            submit(() -> retain(dir, policy));
        }
    }

    private static void retain(QueueDirectory dir, Retention.Policy policy) {
        try {
            Retention.apply(dir, policy);
        } catch (IOException | RuntimeException e) {
            log.warn("queue {}: retention failed: {}", dir, e.toString());
        }
    }

    private void submit(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("runtime closing: background queue work dropped");
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
