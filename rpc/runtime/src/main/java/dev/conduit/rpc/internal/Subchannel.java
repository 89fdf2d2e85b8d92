package dev.conduit.rpc.internal;

import dev.conduit.core.ConnectFailedException;
import dev.conduit.rpc.Status;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to one endpoint of a client channel, made lazily and remade after a failure.
 *
 * <pre>
 *  IDLE --call--> CONNECTING --HELLO--> READY --lost, GOAWAY, idle--> IDLE
 *                     |  ^
 *             failed  v  | backoff timer (exponential, with jitter)
 *               TRANSIENT_FAILURE
 * </pre>
 *
 * Never calls its channel while holding its own lock, so the channel may call in while holding its lock. What it
 * connects is a {@link ClientCarrier}: a Conduit connection or an HTTP/2 connection, as its {@link CarrierConnector}
 * makes them.
 */
final class Subchannel implements CarrierListener {
    private static final Logger log = LoggerFactory.getLogger(Subchannel.class);

    enum State {
        IDLE,
        CONNECTING,
        READY,
        TRANSIENT_FAILURE,
        SHUTDOWN
    }

    private final ChannelCore owner;
    private final String target;
    private final CarrierConnector connector;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<ClientCarrier> connections = ConcurrentHashMap.newKeySet();
    private volatile State state = State.IDLE;
    private volatile @Nullable ClientCarrier ready;
    /** What calls are given: {@link #ready}, counted for outlier ejection when that is on. */
    private volatile @Nullable ClientCarrier picked;

    private final @Nullable OutlierEjection outliers;
    private final @Nullable HealthCheck health;
    private volatile Status lastError = Status.UNAVAILABLE.withDescription("not connected yet");
    private volatile boolean failedSinceReady;
    private long backoffNanos;
    private @Nullable ScheduledFuture<?> retry;

    Subchannel(ChannelCore owner, String target, CarrierConnector connector) {
        this.owner = owner;
        this.target = target;
        this.connector = connector;
        this.backoffNanos = owner.backoffInitial().toNanos();
        Balancing b = owner.balancing();
        this.outliers = b.ejectAfter() > 0 ? new OutlierEjection(owner, this, b) : null;
        String service = b.healthService();
        this.health = service != null ? new HealthCheck(owner, this, service) : null;
    }

    State state() {
        return state;
    }

    /** The endpoint as the user named it (secrets masked), for messages. */
    @Override
    public String target() {
        return target;
    }

    Status lastError() {
        HealthCheck h = health;
        if (state == State.READY && h != null && h.notServing()) {
            return Status.UNAVAILABLE.withDescription("the health check of " + target + " says it is not serving");
        }
        return lastError;
    }

    /** Whether its last connection attempt failed: also while it tries again, until a connection is ready. */
    boolean failedSinceReady() {
        return failedSinceReady;
    }

    /**
     * The connection for a new call, if it takes calls and the endpoint is neither ejected nor (with health checking)
     * anything but SERVING; else null. Lock-free: the per-call fast path.
     */
    @Nullable
    ClientCarrier readyConnection() {
        ClientCarrier c = picked;
        if (c == null || !c.acceptsCalls()) {
            return null;
        }
        HealthCheck h = health;
        OutlierEjection o = outliers;
        return (h == null || h.serving()) && (o == null || !o.isEjected()) ? c : null;
    }

    /** The ready connection if it takes calls, whatever the endpoint's health: for the health check's own call. */
    @Nullable
    ClientCarrier connectedCarrier() {
        ClientCarrier c = ready;
        return c != null && c.acceptsCalls() ? c : null;
    }

    /** Whether the endpoint has failed: it cannot connect, or its health check says it is not serving. */
    boolean failing() {
        State st = state;
        HealthCheck h = health;
        return st == State.TRANSIENT_FAILURE || (st == State.READY && h != null && h.notServing());
    }

    /** Whether the endpoint is connected and its health check has not answered yet. */
    boolean awaitingHealth() {
        HealthCheck h = health;
        return state == State.READY && h != null && !h.answered();
    }

    boolean isEjected() {
        OutlierEjection o = outliers;
        return o != null && o.isEjected();
    }

    /** Starts connecting if idle. */
    void requestConnection() {
        lock.lock();
        try {
            if (state != State.IDLE) {
                return;
            }
            state = State.CONNECTING;
        } finally {
            lock.unlock();
        }
        connect();
    }

    private void connect() {
        CompletableFuture<ClientCarrier> connected;
        try {
            connected = connector.connect(this);
        } catch (RuntimeException e) {
            connected = CompletableFuture.failedFuture(e);
        }
        connected.whenComplete((c, e) -> {
            if (e == null) {
                connected(c);
            } else {
                connectFailed(e);
            }
        });
    }

    private void connected(ClientCarrier c) {
        if (!c.acceptsCalls()) {
            // The server said GOAWAY (it is shutting down) or closed right after the handshake.
            connectFailed(Status.UNAVAILABLE
                    .withDescription("the server went away during the handshake")
                    .asException());
            return;
        }
        lock.lock();
        try {
            if (state == State.SHUTDOWN) {
                c.drain();
                return;
            }
            state = State.READY;
            ready = c;
            failedSinceReady = false;
            OutlierEjection o = outliers;
            picked = o != null ? new CountingCarrier(c, o) : c;
            backoffNanos = owner.backoffInitial().toNanos();
        } finally {
            lock.unlock();
        }
        log.debug("connected to {}", target);
        if (health != null) {
            health.start();
        }
        owner.stateChanged();
    }

    private void connectFailed(Throwable e) {
        Throwable cause =
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        lock.lock();
        try {
            if (state == State.SHUTDOWN) {
                return;
            }
            state = State.TRANSIENT_FAILURE;
            String why = reason(cause);
            lastError = Status.UNAVAILABLE
                    .withDescription(why.startsWith(target) ? why : "cannot connect to " + target + ": " + why)
                    .withCause(cause);
            failedSinceReady = true;
            long jittered = (long)
                    (backoffNanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
            retry = owner.config().scheduler().schedule(this::retry, jittered, TimeUnit.NANOSECONDS);
            backoffNanos = Math.min(owner.backoffMax().toNanos(), (long) (backoffNanos * 1.6));
        } finally {
            lock.unlock();
        }
        log.debug("{}", lastError);
        owner.endpointFailed();
        owner.stateChanged();
    }

    /** Why a connection failed, without naming the endpoint again: the message says {@link #target} once. */
    private static String reason(Throwable cause) {
        if (cause instanceof ConnectFailedException c) {
            return c.reason();
        }
        Status s = Status.fromThrowable(cause);
        return s.description() != null ? s.description() : cause.toString();
    }

    private void retry() {
        lock.lock();
        try {
            if (state != State.TRANSIENT_FAILURE) {
                return;
            }
            state = State.CONNECTING;
        } finally {
            lock.unlock();
        }
        connect();
    }

    @Override
    public void opened(ClientCarrier c) {
        connections.add(c);
    }

    /** A connection of this subchannel closed. */
    @Override
    public void closed(ClientCarrier c, Status status) {
        connections.remove(c);
        if (leave(c)) {
            lastError = status;
            log.debug("connection to {} lost: {}", target, status);
            if (status.code() != Status.Code.OK) {
                owner.endpointFailed();
            }
        }
        owner.stateChanged();
    }

    /** The server said GOAWAY (or the connection went idle): new calls need a new connection. */
    @Override
    public void goAwayReceived(ClientCarrier c) {
        leave(c);
        owner.stateChanged();
    }

    private boolean leave(ClientCarrier c) {
        lock.lock();
        try {
            if (ready != c) {
                return false;
            }
            ready = null;
            picked = null;
            if (state == State.READY) {
                state = State.IDLE;
            }
        } finally {
            lock.unlock();
        }
        if (health != null) {
            health.stop();
        }
        return true;
    }

    /** No new calls; connections close once their calls are done. */
    void shutdown() {
        lock.lock();
        try {
            state = State.SHUTDOWN;
            ready = null;
            picked = null;
            if (retry != null) {
                retry.cancel(false);
            }
        } finally {
            lock.unlock();
        }
        if (health != null) {
            // The Watch never ends by itself: ended here, so the connection can drain.
            health.stop();
        }
        for (ClientCarrier c : List.copyOf(connections)) {
            c.drain();
        }
    }

    /** Fails every call with {@code status} and closes every connection. */
    void shutdownNow(Status status) {
        shutdown();
        for (ClientCarrier c : List.copyOf(connections)) {
            c.cancelAll(status);
        }
    }

    boolean isTerminated() {
        return state == State.SHUTDOWN && connections.isEmpty();
    }

    int activeCalls() {
        return connections.stream().mapToInt(ClientCarrier::activeCalls).sum();
    }

    @Override
    public String toString() {
        return target + " (" + state + ")";
    }
}
