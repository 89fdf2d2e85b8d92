package dev.conduit.ipc.stream.internal;

import dev.conduit.core.spi.TransportContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** A minimal runtime for driving a link directly: an allocator, named threads, a timer and resources. */
final class TestContext implements TransportContext, AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, AutoCloseable> resources = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();

    @Override
    public String runtimeName() {
        return "linktest";
    }

    @Override
    public ByteBufAllocator allocator() {
        return PooledByteBufAllocator.DEFAULT;
    }

    @Override
    public ThreadFactory threadFactory(String purpose) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "conduit-linktest-" + purpose + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return timer;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R extends AutoCloseable> R resource(String key, Supplier<R> factory) {
        lock.lock();
        try {
            return (R) resources.computeIfAbsent(key, k -> factory.get());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws Exception {
        List<AutoCloseable> all = new ArrayList<>(resources.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).close();
        }
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
    }
}
