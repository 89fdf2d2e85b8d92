package dev.conduit.ipc.stream.internal;

import dev.conduit.core.spi.TransportContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of a runtime's pipe and fifo links: readers, writers, stderr loggers and fifo acceptors, named {@code
 * conduit-<runtime>-<purpose>-<n>}. A runtime resource: links and listeners are closed before resources, so by the
 * time {@link #close()} runs every thread is finishing, and close waits until they have ended.
 */
public final class IpcThreads implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IpcThreads.class);
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final TransportContext context;
    private final Map<String, ThreadFactory> factories = new ConcurrentHashMap<>();
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();

    private IpcThreads(TransportContext context) {
        this.context = context;
    }

    /** The runtime's instance, created on first use. */
    public static IpcThreads of(TransportContext context) {
        return context.resource("ipc-threads", () -> new IpcThreads(context));
    }

    /** Starts a daemon thread for {@code purpose} ({@code pipe-reader}, {@code fifo-accept}, ...). */
    public Thread start(String purpose, Runnable body) {
        ThreadFactory factory = factories.computeIfAbsent(purpose, context::threadFactory);
        Thread[] self = new Thread[1];
        Thread t = factory.newThread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                log.error("{} failed", Thread.currentThread().getName(), e);
            } finally {
                live.remove(self[0]);
            }
        });
        self[0] = t;
        live.add(t);
        t.start();
        return t;
    }

    /** Waits (up to 10 s in all) for every thread started here to end. */
    @Override
    public void close() throws InterruptedException {
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        for (Thread t : live) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
        }
        if (!live.isEmpty()) {
            log.warn("ipc threads still running after the runtime {} closed: {}", context.runtimeName(), live);
        }
    }

    @Override
    public String toString() {
        return "ipc-threads(" + context.runtimeName() + ")";
    }
}
