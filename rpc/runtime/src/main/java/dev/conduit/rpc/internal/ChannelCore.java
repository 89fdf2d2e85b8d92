package dev.conduit.rpc.internal;

import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Idle;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ChannelFactory;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.ClientCallTracer;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.grpc.GrpcTransport;
import dev.conduit.rpc.resolver.NameResolver;
import dev.conduit.rpc.resolver.NameResolverProvider;
import java.net.URI;
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
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link dev.conduit.rpc.RpcChannel} is made of: one {@link Subchannel} per endpoint (per instance, for a
 * target whose transport lists several behind it: {@link TargetInstances}; per resolved endpoint, for a target a
 * name resolver serves: {@link ResolvedTarget}), the policy's pick of a connection for each call ({@link Picker}),
 * calls waiting for a connection, and shutdown.
 */
public final class ChannelCore {
    private final RpcConfig config;
    private final Connectors connectors;
    /** Taking calls; changed under {@link #lock}, read lock-free through {@link #ring}. */
    private final List<Subchannel> subchannels = new ArrayList<>();
    /** The subchannels taking calls, as an array for the lock-free per-call pick. */
    private volatile Subchannel[] ring = new Subchannel[0];
    /** Subchannels of instances that went away, finishing their calls. */
    private final List<Subchannel> retired = new CopyOnWriteArrayList<>();

    private final List<TargetInstances> watched = new ArrayList<>();
    private final List<ResolvedTarget> resolved = new ArrayList<>();
    private final Conduit conduit;
    private final Balancing balancing;
    private final Picker picker;
    /** For a health check's calls: the one endpoint they go to, whatever its health; null on a user's channel. */
    private final @Nullable Subchannel pinned;

    private final @Nullable ChannelCore parent;
    private final Executor defaultExecutor;
    private final Idle idle;
    private final Duration backoffInitial;
    private final Duration backoffMax;
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
        this(conduit, targets, s, Balancing.DEFAULT);
    }

    /**
     * @param targets the endpoints, each with the factory that opens a channel to it (by URI, or the user's own); a
     *     URI whose scheme a {@link NameResolverProvider} serves is a name, resolved into endpoints
     * @throws EndpointException if a target is not valid, or a resolver refuses it
     */
    public ChannelCore(
            Conduit conduit, Map<String, @Nullable ChannelFactory> targets, Settings s, Balancing balancing) {
        this.conduit = conduit;
        this.balancing = balancing;
        this.picker = new Picker(balancing.policy());
        this.pinned = null;
        this.parent = null;
        this.config = new RpcConfig(
                s.maxMessageSize(),
                s.initialWindow(),
                s.keepAliveTime(),
                s.keepAliveTimeout(),
                s.handshakeTimeout(),
                conduit.scheduler());
        this.connectors = new Connectors(conduit, config, s.idleTimeout(), s.keepAliveSet());
        this.idle = s.idle();
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
            NameResolverProvider provider = f == null ? Resolvers.forTarget(t.getKey()) : null;
            if (f != null) {
                addSubchannel(new Subchannel(this, t.getKey(), connectors.conduit(f)));
            } else if (provider != null) {
                var resolver = newResolver(provider, t.getKey());
                resolved.add(new ResolvedTarget(this, t.getKey(), resolver, conduit.scheduler(), balancing));
            } else if (GrpcTransport.serves(Endpoint.parse(t.getKey()))) {
                addSubchannel(newSubchannel(t.getKey()));
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

    /** A resolver for {@code target}; a target the provider refuses is an invalid URI, as for any other target. */
    private NameResolver newResolver(NameResolverProvider provider, String target) {
        try {
            return provider.newResolver(URI.create(target), new NameResolverProvider.Args(conduit.scheduler()));
        } catch (IllegalArgumentException e) {
            EndpointException invalid = new EndpointException(String.valueOf(e.getMessage()));
            invalid.initCause(e);
            throw invalid;
        }
    }

    /** A core whose calls all go to {@code sc}'s connection, whatever its health: for {@link HealthCheck}. */
    private ChannelCore(ChannelCore parent, Subchannel sc) {
        this.parent = parent;
        this.pinned = sc;
        this.conduit = parent.conduit;
        this.balancing = parent.balancing;
        this.picker = parent.picker;
        this.config = parent.config;
        this.connectors = parent.connectors;
        this.idle = parent.idle;
        this.backoffInitial = parent.backoffInitial;
        this.backoffMax = parent.backoffMax;
        this.defaultExecutor = parent.defaultExecutor;
        this.tracer = null;
        this.targetName = parent.targetName;
        this.transportName = parent.transportName;
        // The health check is the channel's own call: none of the user's method configs or retry tokens apply.
        this.serviceConfig = ServiceConfig.NONE;
        this.retryThrottle = null;
    }

    /** A new call on {@code sc}'s connection only; it fails with UNAVAILABLE if that has none. */
    <Req, Resp> ClientCall<Req, Resp> newPinnedCall(
            Subchannel sc, MethodDescriptor<Req, Resp> method, CallOptions options) {
        return new ChannelCore(this, sc).newCall(method, options);
    }

    /**
     * A subchannel for one endpoint URI, named in messages as the user wrote it (secrets masked).
     *
     * @throws dev.conduit.core.EndpointException if the URI is not valid or no transport serves it
     */
    Subchannel newSubchannel(String uri) {
        Endpoint asked = Endpoint.parse(uri);
        return new Subchannel(this, asked.toString(), connectors.forUri(asked));
    }

    /** A subchannel connecting to {@code endpoint} through the runtime's transports; {@code name} for messages. */
    Subchannel transportSubchannel(String name, Endpoint endpoint) {
        return new Subchannel(this, name, connectors.transport(endpoint));
    }

    Balancing balancing() {
        return balancing;
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
        ChannelCore p = parent;
        return p != null ? p.shutdown : shutdown;
    }

    /** A connection for a call now, as the policy picks it; null if no endpoint can take it now. */
    @Nullable
    ClientCarrier pickNow() {
        Subchannel only = pinned;
        return only != null ? only.connectedCarrier() : picker.pick(ring);
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
        if (pinned != null) {
            return CompletableFuture.failedFuture(Status.UNAVAILABLE
                    .withDescription("the connection to " + pinned.target() + " is gone")
                    .asException());
        }
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
        resolved.forEach(ResolvedTarget::start);
        picker.connect(ring);
        stateChanged();
        return p.future();
    }

    /** Re-examines waiting calls after an endpoint changed state. */
    void stateChanged() {
        List<Runnable> outcomes = new ArrayList<>();
        boolean reconnect;
        lock.lock();
        try {
            boolean allFailed = nothingToWaitFor();
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
            picker.connect(ring);
        }
    }

    /** Whether every endpoint has failed, or resolution found none: calls that do not wait for ready fail. */
    private boolean nothingToWaitFor() {
        Subchannel[] all = ring;
        if (all.length == 0) {
            return resolved.stream().noneMatch(ResolvedTarget::awaitingFirstAnswer);
        }
        return Picker.allFailed(all);
    }

    /** Whether one more endpoint may be ejected: another one could still take calls. */
    boolean mayEject() {
        return Picker.mayEject(ring);
    }

    /** A connection to an endpoint failed or was lost: names are resolved again (rate-limited). */
    void endpointFailed() {
        resolved.forEach(ResolvedTarget::refreshSoon);
    }

    /** A resolver changed the endpoints: connects the new ones the policy wants, and serves waiting calls. */
    void endpointsChanged() {
        picker.connect(ring);
        stateChanged();
    }

    private Status lastError() {
        Subchannel[] all = ring;
        if (all.length == 0) {
            for (ResolvedTarget r : resolved) {
                Status error = r.error();
                if (error != null) {
                    return error;
                }
            }
            return Status.UNAVAILABLE.withDescription(
                    resolved.stream().map(ResolvedTarget::name).toList() + " resolved to no endpoint");
        }
        Subchannel first = all[0];
        return all.length == 1
                ? first.lastError()
                : Status.UNAVAILABLE.withDescription(
                        "no endpoint reachable; " + first.lastError().description()
                                + (all.length > 1 ? " (and " + (all.length - 1) + " more)" : ""));
    }

    /**
     * Why no connection is ready, if an endpoint failed to connect (also while it tries again: a deadline may pass
     * during the retry); null if none has failed yet.
     */
    @Nullable
    String whyNotConnected() {
        boolean anyFailed = Arrays.stream(ring).anyMatch(sc -> sc.failing() || sc.failedSinceReady())
                || (ring.length == 0 && nothingToWaitFor());
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
        resolved.forEach(ResolvedTarget::close);
        Arrays.stream(ring).forEach(Subchannel::shutdown);
        stateChanged();
    }

    public void shutdownNow() {
        shutdown = true;
        watched.forEach(TargetInstances::close);
        resolved.forEach(ResolvedTarget::close);
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
