package dev.conduit.rpc.internal;

import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Idle;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ChannelFactory;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.ClientCallTracer;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.grpc.GrpcTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link dev.conduit.rpc.RpcChannel} is made of: one {@link Subchannel} per endpoint (per instance, for a
 * target whose transport lists several behind it: {@link TargetInstances}), round-robin picking of a ready connection
 * for each call, calls waiting for a connection, and shutdown.
 */
public final class ChannelCore {
    private final RpcConfig config;
    private final FrameCodec codec;
    /** Taking calls; changed under {@link #lock}, read lock-free through {@link #ring}. */
    private final List<Subchannel> subchannels = new ArrayList<>();
    /** The subchannels taking calls, as an array for the lock-free per-call pick. */
    private volatile Subchannel[] ring = new Subchannel[0];
    /** Subchannels of instances that went away, finishing their calls. */
    private final List<Subchannel> retired = new CopyOnWriteArrayList<>();

    private final List<TargetInstances> watched = new ArrayList<>();
    private final Executor defaultExecutor;
    private final Idle idle;
    private final Duration idleTimeout;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final AtomicInteger next = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Pick> pending = new ArrayList<>();
    private volatile boolean shutdown;
    private final ClientCallTracer.@Nullable Factory tracer;
    private final String targetName;
    private final String transportName;
    private final ServiceConfig serviceConfig;
    private final @Nullable RetryThrottle retryThrottle;
    private final RetryBudget retryBudget = new RetryBudget();

    private record Pick(CompletableFuture<ClientCarrier> future, boolean waitForReady) {}

    /** Settings of a channel, from its builder. */
    public record Settings(
            @Nullable Executor executor,
            int maxMessageSize,
            int initialWindow,
            Duration keepAliveTime,
            Duration keepAliveTimeout,
            Duration idleTimeout,
            Duration handshakeTimeout,
            Duration backoffInitial,
            Duration backoffMax,
            Idle idle,
            boolean keepAliveSet,
            ClientCallTracer.@Nullable Factory tracer,
            ServiceConfig serviceConfig) {}

    /**
     * @param targets the endpoints, each with the factory that opens a channel to it (by URI, or the user's own)
     */
    public ChannelCore(Conduit conduit, Map<String, @Nullable ChannelFactory> targets, Settings s) {
        this.config = new RpcConfig(
                s.maxMessageSize(),
                s.initialWindow(),
                s.keepAliveTime(),
                s.keepAliveTimeout(),
                s.handshakeTimeout(),
                conduit.scheduler());
        this.codec = new FrameCodec(s.maxMessageSize());
        this.idle = s.idle();
        this.idleTimeout = s.idleTimeout();
        this.backoffInitial = s.backoffInitial();
        this.backoffMax = s.backoffMax();
        Executor e = s.executor();
        this.defaultExecutor = e != null ? e : conduit.scheduler().executor();
        this.tracer = s.tracer();
        this.targetName = TracedTarget.name(targets);
        this.transportName = TracedTarget.transport(targets);
        this.serviceConfig = s.serviceConfig();
        ServiceConfig.Throttling throttling = serviceConfig.throttling();
        this.retryThrottle = throttling == null ? null : new RetryThrottle(throttling);
        for (Map.Entry<String, @Nullable ChannelFactory> t : targets.entrySet()) {
            ChannelFactory f = t.getValue();
            if (f != null) {
                addSubchannel(new Subchannel(this, t.getKey(), conduitConnector(f)));
            } else if (GrpcTransport.serves(Endpoint.parse(t.getKey()))) {
                CarrierConnector connector = GrpcTransport.connector(
                        Endpoint.parse(t.getKey()),
                        conduit.transportContext(),
                        config,
                        s.idleTimeout(),
                        s.keepAliveSet());
                // Named in messages as the user wrote it, secrets masked.
                addSubchannel(new Subchannel(this, Endpoint.parse(t.getKey()).toString(), connector));
            } else {
                Endpoint asked = Endpoint.parse(t.getKey());
                // Refuse at once a target that could never connect, with the error connect would give.
                conduit.checkConnect(asked);
                Endpoint endpoint = Endpoints.forRpc(asked, s.maxMessageSize());
                // One subchannel per instance behind the target (most transports: the target itself).
                watched.add(new TargetInstances(this, conduit, asked.toString(), endpoint));
            }
        }
    }

    /** Connections in Conduit's own protocol over the channels {@code factory} opens. */
    CarrierConnector conduitConnector(ChannelFactory factory) {
        return listener -> factory.open(codec).thenCompose(ch -> {
            ClientConnection c = new ClientConnection(ch, config, listener, idleTimeout);
            listener.opened(c);
            return c.handshake().<ClientCarrier>thenApply(ready -> ready);
        });
    }

    public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
        ServiceConfig.MethodConfig mc = serviceConfig.forMethod(method.fullName());
        Duration limit = mc.timeout();
        Duration asked = options.timeout();
        CallOptions o =
                limit == null || (asked != null && asked.compareTo(limit) <= 0) ? options : options.withTimeout(limit);
        return new RetryingCall<>(this, method, o, mc.retry(), retryThrottle, retryBudget);
    }

    /** The retry throttle's tokens in thousandths, or -1 without throttling; for tests. */
    int retryTokens() {
        RetryThrottle t = retryThrottle;
        return t == null ? -1 : t.milliTokens();
    }

    RpcConfig config() {
        return config;
    }

    /** A tracer for a call of {@code method} starting now, or null if the channel has no tracer. */
    @Nullable
    ClientCallTracer newTracer(MethodDescriptor<?, ?> method) {
        return tracer == null ? null : tracer.newCallTracer(method, targetName, transportName);
    }

    Duration backoffInitial() {
        return backoffInitial;
    }

    Duration backoffMax() {
        return backoffMax;
    }

    /** How a blocking caller waits for its response. */
    public Idle idle() {
        return idle;
    }

    Executor executorFor(CallOptions options) {
        Executor e = options.executor();
        return e != null ? e : defaultExecutor;
    }

    boolean isShutdown() {
        return shutdown;
    }

    /**
     * A ready connection, round-robin over the endpoints; null if none is ready. With several endpoints, one found
     * idle (its connection lost) is asked to reconnect, so that it takes its share again once it can.
     */
    @Nullable
    ClientCarrier pickNow() {
        Subchannel[] all = ring;
        int n = all.length;
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Subchannel sc = all[(start + i) % n];
            ClientCarrier c = sc.readyConnection();
            if (c != null) {
                return c;
            }
            if (n > 1 && sc.state() == Subchannel.State.IDLE) {
                sc.requestConnection();
            }
        }
        return null;
    }

    /** Adds a subchannel that takes calls. */
    void addSubchannel(Subchannel sc) {
        lock.lock();
        try {
            subchannels.add(sc);
            ring = subchannels.toArray(new Subchannel[0]);
        } finally {
            lock.unlock();
        }
    }

    /** Takes no new calls through {@code sc}; its calls in flight finish. */
    void retireSubchannel(Subchannel sc) {
        lock.lock();
        try {
            subchannels.remove(sc);
            ring = subchannels.toArray(new Subchannel[0]);
        } finally {
            lock.unlock();
        }
        retired.add(sc);
        sc.shutdown();
        retired.removeIf(Subchannel::isTerminated);
    }

    /**
     * A connection once one is ready. Starts connecting idle endpoints. Fails with UNAVAILABLE when every endpoint
     * has failed to connect, unless {@code waitForReady}.
     */
    CompletableFuture<ClientCarrier> pickAsync(boolean waitForReady) {
        Pick p = new Pick(new CompletableFuture<>(), waitForReady);
        lock.lock();
        try {
            if (shutdown) {
                return CompletableFuture.failedFuture(Status.UNAVAILABLE
                        .withDescription("the channel is shut down")
                        .asException());
            }
            pending.add(p);
        } finally {
            lock.unlock();
        }
        watched.forEach(TargetInstances::start);
        for (Subchannel sc : ring) {
            sc.requestConnection();
        }
        stateChanged();
        return p.future();
    }

    /** Re-examines waiting calls after an endpoint changed state. */
    void stateChanged() {
        List<Runnable> outcomes = new ArrayList<>();
        boolean reconnect;
        lock.lock();
        try {
            boolean allFailed = Arrays.stream(ring).allMatch(sc -> sc.state() == Subchannel.State.TRANSIENT_FAILURE);
            for (Iterator<Pick> it = pending.iterator(); it.hasNext(); ) {
                Pick p = it.next();
                ClientCarrier c = shutdown ? null : pickNow();
                if (c != null) {
                    it.remove();
                    outcomes.add(() -> p.future().complete(c));
                } else if (shutdown || (allFailed && !p.waitForReady())) {
                    it.remove();
                    Status s = shutdown ? Status.UNAVAILABLE.withDescription("the channel is shut down") : lastError();
                    outcomes.add(() -> p.future().completeExceptionally(s.asException()));
                }
            }
            reconnect = !pending.isEmpty();
        } finally {
            lock.unlock();
        }
        outcomes.forEach(Runnable::run);
        if (reconnect) {
            for (Subchannel sc : ring) {
                sc.requestConnection();
            }
        }
    }

    private Status lastError() {
        Subchannel[] all = ring;
        Subchannel first = all[0];
        return all.length == 1
                ? first.lastError()
                : Status.UNAVAILABLE.withDescription(
                        "no endpoint reachable; " + first.lastError().description()
                                + (all.length > 1 ? " (and " + (all.length - 1) + " more)" : ""));
    }

    /** Why no connection is ready, if an endpoint failed to connect; null if none has failed yet. */
    @Nullable
    String whyNotConnected() {
        boolean anyFailed = Arrays.stream(ring).anyMatch(sc -> sc.state() == Subchannel.State.TRANSIENT_FAILURE);
        return anyFailed ? lastError().description() : null;
    }

    /** The endpoints' states, for diagnostics: {@code uri (READY)}. */
    public List<String> describe() {
        return Arrays.stream(ring).map(Subchannel::toString).toList();
    }

    public int activeCalls() {
        return Stream.concat(Arrays.stream(ring), retired.stream())
                .mapToInt(Subchannel::activeCalls)
                .sum();
    }

    public void shutdown() {
        shutdown = true;
        watched.forEach(TargetInstances::close);
        Arrays.stream(ring).forEach(Subchannel::shutdown);
        stateChanged();
    }

    public void shutdownNow() {
        shutdown = true;
        watched.forEach(TargetInstances::close);
        Status s = Status.UNAVAILABLE.withDescription("the channel was shut down before the call completed");
        Stream.concat(Arrays.stream(ring), retired.stream()).forEach(sc -> sc.shutdownNow(s));
        stateChanged();
    }

    public boolean isTerminated() {
        return shutdown && Stream.concat(Arrays.stream(ring), retired.stream()).allMatch(Subchannel::isTerminated);
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isTerminated()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return true;
    }

    /** Shuts down, waits up to {@code grace} for calls in flight, cancels the rest. */
    public void close(Duration grace) {
        shutdown();
        try {
            if (!awaitTermination(grace)) {
                shutdownNow();
                awaitTermination(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdownNow();
        }
    }
}
