package dev.conduit.rpc.internal;

import dev.conduit.core.RuntimeScheduler;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.resolver.NameResolver;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subchannels of one target that a {@link NameResolver} resolves ({@code dns:///host:port}, a user's scheme): one
 * per endpoint URI of the latest result. A new endpoint gets a subchannel; one that is gone has its subchannel retired
 * (no new calls, calls in flight finish), so a changing fleet costs no failed call.
 *
 * <p>Resolution starts on the channel's first call, is repeated every {@link Balancing#resolveEvery()}, and soon after a
 * connection failed ({@link #refreshSoon}), but never more often than {@link Balancing#resolveAfterFailureMin()} for
 * that reason. Thread-safe; the channel is called without this object's lock held.
 */
final class ResolvedTarget implements NameResolver.Listener {
    private static final Logger log = LoggerFactory.getLogger(ResolvedTarget.class);

    private final ChannelCore owner;
    private final String name;
    private final NameResolver resolver;
    private final RuntimeScheduler scheduler;
    private final Balancing balancing;
    private final ReentrantLock lock = new ReentrantLock();
    private final SubchannelSet<String> current = new SubchannelSet<>();
    private @Nullable ScheduledFuture<?> periodic;
    private @Nullable ScheduledFuture<?> soon;
    private long lastRefreshNanos;
    private boolean started;
    private boolean closed;
    /** Whether the resolver has answered (a result or an error) at least once. */
    private volatile boolean answered;

    private volatile @Nullable Status error;

    ResolvedTarget(
            ChannelCore owner, String name, NameResolver resolver, RuntimeScheduler scheduler, Balancing balancing) {
        this.owner = owner;
        this.name = name;
        this.resolver = resolver;
        this.scheduler = scheduler;
        this.balancing = balancing;
    }

    /** Starts resolving, once. */
    void start() {
        lock.lock();
        try {
            if (started || closed) {
                return;
            }
            started = true;
            lastRefreshNanos = System.nanoTime();
            long every = balancing.resolveEvery().toNanos();
            periodic = scheduler.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
        resolver.start(this);
    }

    /** Whether the resolver has yet to answer: calls wait for it rather than fail. */
    boolean awaitingFirstAnswer() {
        return !answered;
    }

    /** The last resolution error, if the last answer was one. */
    @Nullable
    Status error() {
        return error;
    }

    String name() {
        return name;
    }

    private void refresh() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            lastRefreshNanos = System.nanoTime();
            soon = null;
        } finally {
            lock.unlock();
        }
        resolver.refresh();
    }

    /** A connection failed: resolves again at once, or as soon as the rate limit allows. */
    void refreshSoon() {
        long wait;
        lock.lock();
        try {
            if (!started || closed || soon != null) {
                return;
            }
            wait = lastRefreshNanos + balancing.resolveAfterFailureMin().toNanos() - System.nanoTime();
            if (wait > 0) {
                try {
                    soon = scheduler.schedule(this::refresh, wait, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    // the runtime is closing
                }
                return;
            }
        } finally {
            lock.unlock();
        }
        refresh();
    }

    @Override
    public void onResult(List<String> endpoints) {
        SubchannelSet.Change change;
        lock.lock();
        try {
            if (closed || owner.isShutdown()) {
                return;
            }
            change = current.update(endpoints, this::subchannel);
            error = null;
            answered = true;
        } finally {
            lock.unlock();
        }
        if (!change.isEmpty()) {
            log.debug("{} resolved: {} added, {} removed", name, change.added(), change.removed());
        }
        change.apply(owner);
        owner.endpointsChanged();
    }

    @Override
    public void onError(Status status) {
        log.debug("{}: {}", name, status);
        error = status;
        answered = true;
        owner.stateChanged();
    }

    private @Nullable Subchannel subchannel(String uri) {
        try {
            return owner.newSubchannel(uri);
        } catch (RuntimeException e) {
            // One bad endpoint from a resolver must not cost the others.
            log.warn("{} resolved to {}, which cannot be used: {}", name, uri, e.getMessage());
            return null;
        }
    }

    /** Stops resolving; the subchannels are the channel's to shut down. */
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (periodic != null) {
                periodic.cancel(false);
            }
            if (soon != null) {
                soon.cancel(false);
            }
        } finally {
            lock.unlock();
        }
        resolver.close();
    }
}
