package dev.conduit.core.internal;

import dev.conduit.core.Attributes;
import dev.conduit.core.Channel;
import dev.conduit.core.ChannelMetrics;
import dev.conduit.core.ChannelTraffic;
import dev.conduit.core.Codec;
import dev.conduit.core.ConduitException;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.InstanceWatch;
import dev.conduit.core.Listener;
import dev.conduit.core.RuntimeScheduler;
import dev.conduit.core.RuntimeStats;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.TransportContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a {@link dev.conduit.core.Conduit} runtime owns: transports, buffer pool, threads, resources, and the
 * channels and listeners made through it. Closing it closes all of them and waits until their threads have ended.
 */
public final class RuntimeCore implements RuntimeSupport, TransportContext, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuntimeCore.class);
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final String name;
    private final TransportRegistry transports;
    private final Attributes attributes;
    private final PooledByteBufAllocator allocator;
    private final RuntimeThreads threads;
    private final Set<DefaultChannel<?>> channels = ConcurrentHashMap.newKeySet();
    private final Set<DefaultListener<?>> listeners = ConcurrentHashMap.newKeySet();
    private final @Nullable ChannelMetrics metrics;
    /** Traffic totals per transport; used only with a metrics hook. */
    private final Map<String, TrafficCounters> traffic = new ConcurrentHashMap<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, AutoCloseable> resources = new LinkedHashMap<>();
    private volatile boolean closed;
    /** Whether a sweep of large spare buffers is due; see {@link #sweepLargeSparesSoon}. */
    private final AtomicBoolean sweepDue = new AtomicBoolean();

    public RuntimeCore(String name, TransportRegistry transports, @Nullable Executor userHandlerExecutor) {
        this(name, transports, userHandlerExecutor, Attributes.empty(), null);
    }

    /**
     * @param attributes objects offered to every call of the runtime, under those attached to its endpoint
     * @param metrics the hook told of channels and listeners; null: none, and no traffic is counted
     */
    public RuntimeCore(
            String name,
            TransportRegistry transports,
            @Nullable Executor userHandlerExecutor,
            Attributes attributes,
            @Nullable ChannelMetrics metrics) {
        this.name = name;
        this.metrics = metrics;
        this.transports = transports;
        this.attributes = attributes;
        // Per-runtime pool, no thread caches for non-Netty threads, so that close() can account for every buffer.
        this.allocator = new PooledByteBufAllocator(
                true,
                PooledByteBufAllocator.defaultNumHeapArena(),
                PooledByteBufAllocator.defaultNumDirectArena(),
                PooledByteBufAllocator.defaultPageSize(),
                PooledByteBufAllocator.defaultMaxOrder(),
                PooledByteBufAllocator.defaultSmallCacheSize(),
                PooledByteBufAllocator.defaultNormalCacheSize(),
                false);
        this.threads = new RuntimeThreads(name, userHandlerExecutor);
    }

    public String name() {
        return name;
    }

    public TransportRegistry transports() {
        return transports;
    }

    public boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- connect and listen

    public <T> CompletableFuture<Channel<T>> connect(Endpoint endpoint, Codec<T> codec) {
        ensureOpen();
        TransportRegistry.Resolved resolved = transports.resolve(endpoint, attributes);
        DefaultChannel<T> channel = new DefaultChannel<>(this, codec, resolved.settings(), traffic(endpoint.scheme()));
        AtomicInteger attached = new AtomicInteger();
        CompletableFuture<Void> connected;
        try {
            connected = resolved.transport().connect(endpoint, resolved.config(), this, link -> {
                attached.set(1);
                register(channel);
                return channel.attach(link);
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(connectError(endpoint, e));
        }
        long timeoutMillis = resolved.config().connectTimeout().toMillis();
        ScheduledFuture<?> timer = scheduler()
                .schedule(
                        () -> connected.completeExceptionally(new TimeoutException()),
                        timeoutMillis,
                        TimeUnit.MILLISECONDS);
        CompletableFuture<Channel<T>> result = new CompletableFuture<>();
        connected.whenComplete((v, e) -> {
            timer.cancel(false);
            if (e == null) {
                result.complete(channel);
                return;
            }
            if (attached.get() == 1) {
                channel.close();
            }
            Throwable cause = unwrap(e);
            result.completeExceptionally(
                    cause instanceof TimeoutException
                            ? new ConnectFailedException(
                                    endpoint.toString(), "timed out after " + timeoutMillis + " ms", null)
                            : connectError(endpoint, cause));
        });
        return result;
    }

    public void checkConnect(Endpoint endpoint) {
        TransportRegistry.Resolved resolved = transports.resolve(endpoint, attributes);
        resolved.transport().checkConnect(endpoint, resolved.config());
    }

    public <T> Listener<T> listen(Endpoint endpoint, Codec<T> codec, @Nullable Consumer<Channel<T>> onAccept) {
        ensureOpen();
        TransportRegistry.Resolved resolved = transports.resolve(endpoint, attributes);
        DefaultListener<T> listener =
                new DefaultListener<>(this, codec, resolved.settings(), onAccept, endpoint.scheme());
        listeners.add(listener);
        try {
            Binding binding = resolved.transport().listen(endpoint, resolved.config(), this, listener::accepted);
            listener.bound(binding);
        } catch (RuntimeException e) {
            listeners.remove(listener);
            throw e;
        }
        if (closed) {
            listener.close();
            ensureOpen();
        }
        return listener;
    }

    public InstanceWatch watchInstances(Endpoint endpoint, Consumer<List<Endpoint>> onChange) {
        ensureOpen();
        TransportRegistry.Resolved resolved = transports.resolve(endpoint, attributes);
        InstanceWatch watch = resolved.transport().watchInstances(endpoint, resolved.config(), this, onChange);
        if (watch != null) {
            return watch;
        }
        // One peer per endpoint: the endpoint is its own only instance, for good.
        FixedInstances one = new FixedInstances(List.of(endpoint));
        onChange.accept(one.instances());
        return one;
    }

    private static RuntimeException connectError(Endpoint endpoint, Throwable e) {
        if (e instanceof ConduitException ce) {
            return ce;
        }
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        return new ConnectFailedException(endpoint.toString(), why, e);
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException
                        || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("runtime " + name + " is closed");
        }
    }

    // ---------------------------------------------------------------- RuntimeSupport

    @Override
    public ByteBufAllocator allocator() {
        return allocator;
    }

    /** The runtime's buffer pool, for leak accounting in tests and diagnostics. */
    public PooledByteBufAllocator pooledAllocator() {
        return allocator;
    }

    @Override
    public Executor handlerExecutor() {
        return threads.executor();
    }

    /** The runtime's timer and handler executor, as lent to code built on the runtime. */
    public RuntimeScheduler runtimeScheduler() {
        return threads;
    }

    @Override
    public void sweepLargeSparesSoon() {
        if (sweepDue.get() || !sweepDue.compareAndSet(false, true)) {
            return;
        }
        lock.lock();
        try {
            if (!closed) {
                scheduler().schedule(this::sweepLargeSpares, 1, TimeUnit.SECONDS);
                return;
            }
        } catch (RejectedExecutionException | OutOfMemoryError e) {
            // Closing (the channels release their spares as they close), or no timer thread could start: sending
            // must not fail for it; the spare stays until the next request or the channel's close.
            log.debug("runtime {}: no sweep of large spare buffers scheduled", name, e);
        } finally {
            lock.unlock();
        }
        sweepDue.set(false);
    }

    private void sweepLargeSpares() {
        sweepDue.set(false); // before the sweep: a spare kept during it asks for the next one
        for (DefaultChannel<?> c : channels) {
            c.releaseLargeSpare();
        }
    }

    void register(DefaultChannel<?> channel) {
        channels.add(channel);
        TrafficCounters t = channel.traffic;
        if (metrics != null && t != null) {
            metrics.channelOpened(t.transport());
        }
        if (closed) {
            threads.executor().execute(channel::close);
        }
    }

    @Override
    public void channelClosed(DefaultChannel<?> channel) {
        TrafficCounters t = channel.traffic;
        if (channels.remove(channel) && metrics != null && t != null) {
            metrics.channelClosed(t.transport());
        }
    }

    // ---------------------------------------------------------------- metrics

    /** Where a channel over {@code transport} counts its traffic; null when the runtime has no metrics hook. */
    @Nullable
    TrafficCounters traffic(String transport) {
        return metrics == null ? null : traffic.computeIfAbsent(transport, TrafficCounters::new);
    }

    void listenerAccepted(String transport) {
        if (metrics != null) {
            metrics.listenerAccepted(transport);
        }
    }

    void listenerRefused(String transport) {
        if (metrics != null) {
            metrics.listenerRefused(transport);
        }
    }

    /** Traffic totals per transport, sorted by transport, with the pending bytes of the channels open now. */
    public List<ChannelTraffic> traffic() {
        Map<String, Long> pending = new HashMap<>();
        for (DefaultChannel<?> c : channels) {
            TrafficCounters t = c.traffic;
            if (t != null) {
                pending.merge(t.transport(), c.pendingBytes(), Long::sum);
            }
        }
        return traffic.values().stream()
                .sorted(Comparator.comparing(TrafficCounters::transport))
                .map(t -> t.snapshot(pending.getOrDefault(t.transport(), 0L)))
                .toList();
    }

    void listenerClosed(DefaultListener<?> listener) {
        listeners.remove(listener);
    }

    // ---------------------------------------------------------------- TransportContext

    @Override
    public String runtimeName() {
        return name;
    }

    @Override
    public ThreadFactory threadFactory(String purpose) {
        return threads.threadFactory(purpose);
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return threads.timer();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R extends AutoCloseable> R resource(String key, Supplier<R> factory) {
        lock.lock();
        try {
            ensureOpen();
            AutoCloseable r = resources.get(key);
            if (r == null) {
                r = factory.get();
                resources.put(key, r);
            }
            return (R) r;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- close

    /**
     * Closes listeners and channels, waits for them, then closes resources in reverse order of creation and stops
     * every thread. Collects failures instead of stopping at the first.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        List<Throwable> failures = new ArrayList<>();
        List<CompletableFuture<?>> closing = new ArrayList<>();
        channels.forEach(DefaultChannel::markClosing);
        for (DefaultListener<?> l : List.copyOf(listeners)) {
            run(failures, l::close);
            closing.add(l.closeFuture());
        }
        for (DefaultChannel<?> c : List.copyOf(channels)) {
            run(failures, c::close);
            closing.add(c.closeFuture());
        }
        try {
            CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
                    .get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // Keep the caller's interrupt visible to it (a command interrupted to stop, say).
            Thread.currentThread().interrupt();
            failures.add(new ConduitException("interrupted while runtime " + name + " closed its channels", e));
        } catch (Exception e) {
            failures.add(new ConduitException("channels of runtime " + name + " did not close in time", e));
        }
        List<AutoCloseable> toClose;
        lock.lock();
        try {
            toClose = new ArrayList<>(resources.values());
            resources.clear();
        } finally {
            lock.unlock();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            AutoCloseable r = toClose.get(i);
            run(failures, () -> {
                try {
                    r.close();
                } catch (Exception e) {
                    throw new ConduitException("closing " + r + " failed", e);
                }
            });
        }
        threads.close(failures);
        if (!failures.isEmpty()) {
            ConduitException e = new ConduitException("closing runtime " + name + " failed", failures.get(0));
            failures.subList(1, failures.size()).forEach(e::addSuppressed);
            throw e;
        }
        log.debug("runtime {} closed", name);
    }

    private static void run(List<Throwable> failures, Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    public RuntimeStats stats() {
        long active = 0;
        for (PoolArenaMetric arena : allocator.metric().directArenas()) {
            active += arena.numActiveAllocations();
        }
        for (PoolArenaMetric arena : allocator.metric().heapArenas()) {
            active += arena.numActiveAllocations();
        }
        return new RuntimeStats(
                channels.size(), listeners.size(), active, allocator.metric().usedDirectMemory());
    }
}
