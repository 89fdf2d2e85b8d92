package dev.conduit.core.internal;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codec;
import dev.conduit.core.ConduitException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Listener;
import dev.conduit.core.Property;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one {@link Listener} implementation, over any transport's {@link Binding}. */
public final class DefaultListener<T> implements Listener<T> {
    private static final Logger log = LoggerFactory.getLogger(DefaultListener.class);

    /** Accepted channels that may wait for {@link #accept}; beyond this, new ones are closed. */
    static final int ACCEPT_BACKLOG = 4096;

    private final RuntimeCore runtime;
    /** The URI scheme, for the runtime's metrics hook. */
    private final String transport;

    private final Codec<T> codec;
    private final ChannelSettings settings;
    private final @Nullable Consumer<Channel<T>> onAccept;
    private final Set<DefaultChannel<T>> channels = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition accepted = lock.newCondition();
    private final ArrayDeque<DefaultChannel<T>> backlog = new ArrayDeque<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile boolean open = true;
    private volatile boolean accepting = true;
    private final AtomicBoolean bindingClosed = new AtomicBoolean();
    private volatile @Nullable Binding binding;

    DefaultListener(
            RuntimeCore runtime,
            Codec<T> codec,
            ChannelSettings settings,
            @Nullable Consumer<Channel<T>> onAccept,
            String transport) {
        this.runtime = runtime;
        this.transport = transport;
        this.codec = codec;
        this.settings = settings;
        this.onAccept = onAccept;
    }

    void bound(Binding b) {
        this.binding = b;
    }

    /** The binder given to the transport: makes a channel for each accepted link. */
    LinkListener accepted(Link link) {
        DefaultChannel<T> channel =
                new DefaultChannel<>(runtime, codec, settings, runtime.traffic(transport)).attach(link);
        runtime.register(channel);
        channels.add(channel);
        channel.closeFuture().whenComplete((r, e) -> channels.remove(channel));
        if (!accepting) {
            runtime.listenerRefused(transport);
            runtime.handlerExecutor().execute(channel::close);
            return channel;
        }
        Consumer<Channel<T>> callback = onAccept;
        if (callback != null) {
            runtime.listenerAccepted(transport);
            runtime.handlerExecutor().execute(() -> {
                try {
                    callback.accept(channel);
                } catch (Throwable t) {
                    log.warn("accept callback of {} failed for {}; closing that channel", this, channel, t);
                    channel.closeOnError(t);
                }
            });
            return channel;
        }
        boolean full;
        lock.lock();
        try {
            full = backlog.size() >= ACCEPT_BACKLOG;
            if (!full) {
                backlog.add(channel);
                accepted.signal();
            }
        } finally {
            lock.unlock();
        }
        if (!full) {
            runtime.listenerAccepted(transport);
        }
        if (full) {
            runtime.listenerRefused(transport);
            log.warn("{}: {} accepted channels wait for accept(); closing {}", this, ACCEPT_BACKLOG, channel);
            runtime.handlerExecutor()
                    .execute(() -> channel.closeOnError(new ConduitException(
                            "listener backlog full: " + ACCEPT_BACKLOG + " channels not accepted")));
        }
        return channel;
    }

    @Override
    public Endpoint endpoint() {
        Binding b = binding;
        if (b == null) {
            throw new IllegalStateException("not bound yet");
        }
        return b.endpoint();
    }

    @Override
    public @Nullable Channel<T> accept(Duration timeout) throws InterruptedException {
        if (onAccept != null) {
            throw new IllegalStateException("accept() is not available: " + this + " has an accept callback");
        }
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                DefaultChannel<T> channel = backlog.poll();
                if (channel != null) {
                    return channel;
                }
                if (!accepting) {
                    throw new ChannelClosedException(CloseReason.LOCAL);
                }
                if (nanos <= 0) {
                    return null;
                }
                nanos = accepted.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Channel<T>> channels() {
        List<Channel<T>> open = new ArrayList<>();
        for (DefaultChannel<T> c : channels) {
            if (c.isOpen()) {
                open.add(c);
            }
        }
        return open;
    }

    @Override
    public <V> Optional<V> property(Property<V> key) {
        Binding b = binding;
        return b == null ? Optional.empty() : Optional.ofNullable(b.property(key));
    }

    @Override
    public boolean isOpen() {
        return accepting;
    }

    @Override
    public void stopAccepting() {
        lock.lock();
        try {
            if (!accepting) {
                return;
            }
            accepting = false;
            accepted.signalAll();
        } finally {
            lock.unlock();
        }
        closeBinding();
    }

    private void closeBinding() {
        Binding b = binding;
        if (b == null || !bindingClosed.compareAndSet(false, true)) {
            return;
        }
        try {
            b.close();
        } catch (RuntimeException e) {
            log.warn("closing {} failed", this, e);
        }
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!open) {
                return;
            }
            open = false;
            accepting = false;
            backlog.clear();
            accepted.signalAll();
        } finally {
            lock.unlock();
        }
        closeBinding();
        List<CompletableFuture<CloseReason>> closing = new ArrayList<>();
        channels.forEach(DefaultChannel::markClosing);
        for (DefaultChannel<T> c : channels) {
            c.close();
            closing.add(c.closeFuture());
        }
        runtime.listenerClosed(this);
        CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
                .whenComplete((v, e) -> closeFuture.complete(null));
    }

    @Override
    public String toString() {
        Binding b = binding;
        return "listener(" + (b == null ? "unbound" : b.endpoint()) + ")";
    }
}
