package dev.conduit.benchmarks;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JMH executor ({@code -Djmh.executor=CUSTOM -Djmh.executor.class=...}) whose benchmark threads are Netty {@link
 * FastThreadLocalThread}s, as a Netty event loop or a Conduit handler thread is. Netty's object pools (the {@code
 * Recycler} behind pooled buffers and Conduit's offer callbacks) only recycle objects released on another thread for
 * such threads; on a plain thread every buffer wrapper handed to an event loop is garbage.
 */
public final class NettyThreadsExecutor extends ThreadPoolExecutor {

    /** The constructor JMH calls. */
    public NettyThreadsExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), threads(prefix));
    }

    private static java.util.concurrent.ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new FastThreadLocalThread(r, prefix + "-netty-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
