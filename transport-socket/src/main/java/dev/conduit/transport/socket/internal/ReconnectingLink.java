package dev.conduit.transport.socket.internal;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.ConduitException;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Property;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.core.spi.WriteCallback;
import dev.conduit.transport.socket.ConnectionState;
import dev.conduit.transport.socket.Reconnection;
import dev.conduit.transport.socket.SocketProperties;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's link that outlives its connections: when the current tcp connection drops, it retries as {@link
 * ReconnectPolicy} says, queues writes meanwhile (bounded) and sends them, in order, on the next connection. The
 * runtime sees a single link; frames of successive connections reach it one connection at a time.
 *
 * <p>Threading: {@link #lock} guards the connection, the held writes and the state, which are written under it and
 * read without it where a stale value is harmless (volatile); the lock is never held while calling the runtime or
 * state listeners.
 */
final class ReconnectingLink implements Link, Reconnection {
    private static final Logger log = LoggerFactory.getLogger(ReconnectingLink.class);

    private final TcpConnector connector;
    private final ReconnectPolicy policy;
    private final TransportContext runtime;
    private final int headroom;
    private final SerialNotifier notifier = new SerialNotifier(ConnectionState.CONNECTING);
    private final AtomicBoolean closeDelivered = new AtomicBoolean();

    private final ReentrantLock lock = new ReentrantLock();
    private final HeldWrites held;
    private volatile @Nullable Link current;
    private @Nullable LinkListener outer;
    private boolean paused;
    private boolean closed;
    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private volatile int failedAttempts;
    private volatile int connections;
    private @Nullable Throwable lastError;
    private @Nullable ScheduledFuture<?> retry;
    /** The connection attempt under way, which closing abandons. */
    private volatile @Nullable CompletableFuture<Void> attempt;

    private volatile Endpoint local;
    private volatile Endpoint remote;

    private ReconnectingLink(TcpConnector connector, ReconnectPolicy policy, TransportContext runtime) {
        this.connector = connector;
        this.policy = policy;
        this.runtime = runtime;
        var link = connector.config().link();
        this.headroom = StreamFramer.of(link.framing(), link.maxFrame()).headroom();
        this.held = new HeldWrites(policy.queueBytes());
        this.local = connector.config().endpoint();
        this.remote = connector.config().endpoint();
    }

    /** Makes the first connection; the future fails, without retrying, if it cannot be made. */
    static CompletableFuture<Void> start(
            TcpConnector connector, ReconnectPolicy policy, TransportContext runtime, LinkBinder binder) {
        ReconnectingLink link = new ReconnectingLink(connector, policy, runtime);
        CompletableFuture<Void> first = connector.connect(inner -> link.connected(inner, binder));
        link.attempt = first;
        return first;
    }

    // ---------------------------------------------------------------- connections coming and going

    /** A new connection is up: flush the queue into it, then make it current. Runs on its event loop. */
    private LinkListener connected(Link inner, @Nullable LinkBinder firstBinder) {
        local = inner.localEndpoint();
        remote = inner.remoteEndpoint();
        LinkListener runtimeSide = null;
        if (firstBinder != null) {
            runtimeSide = firstBinder.bind(this);
        }
        lock.lock();
        try {
            if (runtimeSide != null) {
                outer = runtimeSide;
            }
            if (closed) {
                inner.close();
                return new Inner(inner);
            }
            inner.setReadPaused(paused);
            held.writeTo(inner);
            current = inner;
            connections = connections + 1;
            failedAttempts = 0;
            state = ConnectionState.CONNECTED;
        } finally {
            lock.unlock();
        }
        notifier.changed(ConnectionState.CONNECTED);
        return new Inner(inner);
    }

    /** Receives one connection's frames and close. */
    private final class Inner implements LinkListener {
        private final Link link;

        Inner(Link link) {
            this.link = link;
        }

        @Override
        public void onFrame(ByteBuffer frame) {
            LinkListener o = outer;
            if (o != null) {
                o.onFrame(frame);
            }
        }

        @Override
        public void onClosed(CloseReason reason) {
            disconnected(link, reason);
        }
    }

    private void disconnected(Link inner, CloseReason reason) {
        boolean retryNow;
        lock.lock();
        try {
            if (current == inner) {
                current = null;
            }
            retryNow = !closed;
            if (retryNow) {
                state = ConnectionState.DISCONNECTED;
                lastError = reason.error();
            }
        } finally {
            lock.unlock();
        }
        if (!retryNow) {
            deliverClose(CloseReason.LOCAL);
            return;
        }
        log.info("{}: connection to {} lost ({}); reconnecting", this, remote, reason);
        notifier.changed(ConnectionState.DISCONNECTED);
        scheduleRetry(1);
    }

    private void scheduleRetry(int n) {
        if (!policy.allows(n)) {
            giveUp(n - 1);
            return;
        }
        long delay = policy.delayNanos(n, ThreadLocalRandom.current()::nextDouble);
        lock.lock();
        try {
            if (!closed) {
                retry = runtime.scheduler().schedule(() -> retry(n), delay, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private void retry(int n) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            state = ConnectionState.CONNECTING;
        } finally {
            lock.unlock();
        }
        notifier.changed(ConnectionState.CONNECTING);
        CompletableFuture<Void> next = connector.connect(inner -> connected(inner, null));
        boolean abandon;
        lock.lock();
        try {
            attempt = next;
            abandon = closed;
        } finally {
            lock.unlock();
        }
        if (abandon) {
            // Failing the attempt's future closes its socket (see TcpConnector.connect).
            next.completeExceptionally(new ChannelClosedException(CloseReason.LOCAL));
        }
        next.whenComplete((v, e) -> {
            if (e != null) {
                attemptFailed(n, e);
            }
        });
    }

    private void attemptFailed(int n, Throwable e) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            failedAttempts = failedAttempts + 1;
            lastError = e;
            state = ConnectionState.DISCONNECTED;
        } finally {
            lock.unlock();
        }
        log.debug("{}: reconnect attempt {} failed: {}", this, n, e.getMessage());
        notifier.changed(ConnectionState.DISCONNECTED);
        scheduleRetry(n + 1);
    }

    private void giveUp(int attempts) {
        Throwable last;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            state = ConnectionState.GAVE_UP;
            last = lastError;
        } finally {
            lock.unlock();
        }
        ConnectFailedException error = new ConnectFailedException(
                connector.config().endpoint().toString(),
                "gave up reconnecting after " + attempts + " failed attempts (reconnect.maxAttempts="
                        + policy.maxAttempts() + ")" + (last == null ? "" : "; last error: " + last.getMessage()),
                last);
        failQueued(error);
        notifier.changed(ConnectionState.GAVE_UP);
        deliverClose(CloseReason.error(error));
    }

    private void deliverClose(CloseReason reason) {
        if (closeDelivered.compareAndSet(false, true)) {
            LinkListener o = outer;
            if (o != null) {
                o.onClosed(reason);
            }
        }
    }

    private void failQueued(Throwable error) {
        HeldWrites taken;
        lock.lock();
        try {
            taken = held.takeAll();
        } finally {
            lock.unlock();
        }
        taken.failAll(error);
    }

    // ---------------------------------------------------------------- Link

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return remote;
    }

    @Override
    public int headroom() {
        return headroom;
    }

    @Override
    public void write(ByteBuf frame, WriteCallback callback) {
        Link target;
        Throwable refused = null;
        lock.lock();
        try {
            target = current;
            if (target == null) {
                int size = frame.readableBytes();
                if (closed) {
                    refused = new ChannelClosedException(CloseReason.LOCAL);
                } else if (held.offer(frame, callback)) {
                    return;
                } else {
                    refused = new ConduitException("disconnected from " + remote + " ("
                            + state.name().toLowerCase(Locale.ROOT) + ") and the reconnect queue is full: "
                            + held.bytes() + " bytes queued, this message " + size + " bytes, reconnect.queue="
                            + policy.queueBytes());
                }
            }
        } finally {
            lock.unlock();
        }
        if (target != null) {
            target.write(frame, callback);
        } else {
            frame.release();
            callback.writeComplete(refused);
        }
    }

    @Override
    public void setReadPaused(boolean pause) {
        Link target;
        lock.lock();
        try {
            paused = pause;
            target = current;
        } finally {
            lock.unlock();
        }
        if (target != null) {
            target.setReadPaused(pause);
        }
    }

    @Override
    public void close() {
        Link target;
        CompletableFuture<Void> inFlight;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            target = current;
            inFlight = attempt;
            if (retry != null) {
                retry.cancel(false);
            }
        } finally {
            lock.unlock();
        }
        failQueued(new ChannelClosedException(CloseReason.LOCAL));
        if (inFlight != null && !inFlight.isDone()) {
            inFlight.completeExceptionally(new ChannelClosedException(CloseReason.LOCAL));
        }
        if (target != null) {
            target.close(); // its onClosed delivers ours
        } else {
            deliverClose(CloseReason.LOCAL);
        }
    }

    @Override
    public <V> @Nullable V property(Property<V> key) {
        if (key == SocketProperties.RECONNECTION) {
            return key.type().cast(this);
        }
        Link target = current;
        return target == null ? null : target.property(key);
    }

    // ---------------------------------------------------------------- Reconnection

    @Override
    public ConnectionState state() {
        return state;
    }

    @Override
    public int failedAttempts() {
        return failedAttempts;
    }

    @Override
    public int connections() {
        return connections;
    }

    @Override
    public void onStateChange(Consumer<ConnectionState> listener) {
        notifier.add(listener);
    }

    @Override
    public String toString() {
        return "reconnecting-link(" + connector.config().endpoint() + ")";
    }
}
