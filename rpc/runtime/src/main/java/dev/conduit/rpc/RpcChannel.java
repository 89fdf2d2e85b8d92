package dev.conduit.rpc;

import dev.conduit.core.ChannelOptions;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Idle;
import dev.conduit.rpc.internal.Balancing;
import dev.conduit.rpc.internal.ChannelCore;
import dev.conduit.rpc.internal.Resolvers;
import dev.conduit.rpc.internal.RpcConfig;
import dev.conduit.rpc.internal.ServiceConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The client's side of RPC: makes calls to one or more endpoints of a service, spreading them by a load-balancing
 * policy (round-robin by default). A target is an endpoint URI, or a name that a {@linkplain
 * dev.conduit.rpc.resolver.NameResolver resolver} turns into endpoints and keeps current: {@code dns:///host:port}.
 *
 * <pre>{@code
 * try (RpcChannel channel = RpcChannel.builder(conduit).target("tcp://127.0.0.1:7000").build()) {
 *     GetReply reply = ClientCalls.blockingUnary(channel, GET, CallOptions.DEFAULT, request);
 * }
 * }</pre>
 *
 * <p>Connections are made lazily, on the first call, and remade after a failure (with exponential backoff while
 * the endpoint stays unreachable). While no endpoint is reachable, calls fail fast with {@link
 * Status.Code#UNAVAILABLE}, unless they ask to {@linkplain CallOptions#withWaitForReady() wait for ready}. Many calls
 * share one connection per endpoint, multiplexed.
 *
 * <p>Thread-safe: share one channel between all threads. {@link #close()} waits briefly for calls in flight and
 * cancels the rest; the {@link Conduit} runtime is the caller's to close, after the channel. The channel starts no
 * thread of its own: timers run on the runtime's timer, and callbacks, unless {@link Builder#executor} says otherwise,
 * on the runtime's handler executor ({@link Conduit#scheduler()}).
 */
public final class RpcChannel implements CallFactory, AutoCloseable {
    private final ChannelCore core;
    private final List<ClientInterceptor> interceptors;
    private final Duration closeTimeout;

    private RpcChannel(ChannelCore core, List<ClientInterceptor> interceptors, Duration closeTimeout) {
        this.core = core;
        this.interceptors = List.copyOf(interceptors);
        this.closeTimeout = closeTimeout;
    }

    /** A builder for a channel on {@code conduit}'s transports. */
    public static Builder builder(Conduit conduit) {
        return new Builder(conduit);
    }

    /** A builder for a channel on the {@link Conduit#shared() shared} runtime. */
    public static Builder builder() {
        return new Builder(Conduit.shared());
    }

    /** A new call of {@code method}, through the channel's interceptors. */
    @Override
    public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
        return interceptors.isEmpty() ? core.newCall(method, options) : new Chain(0).newCall(method, options);
    }

    /** Runs the interceptors from {@code index} on, then the channel itself. */
    private final class Chain implements CallFactory {
        private final int index;

        Chain(int index) {
            this.index = index;
        }

        @Override
        public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
            return index == interceptors.size()
                    ? core.newCall(method, options)
                    : interceptors.get(index).interceptCall(method, options, new Chain(index + 1));
        }
    }

    /** How a blocking call's thread waits for its response. */
    Idle idle() {
        return core.idle();
    }

    /** Calls in flight. */
    public int activeCalls() {
        return core.activeCalls();
    }

    /** Each endpoint with its connection state, for diagnostics: {@code tcp://127.0.0.1:7000 (READY)}. */
    public List<String> endpointStates() {
        return core.describe();
    }

    /** Takes no new calls (they fail with UNAVAILABLE); calls in flight continue. */
    public void shutdown() {
        core.shutdown();
    }

    /** Takes no new calls and cancels those in flight with UNAVAILABLE. */
    public void shutdownNow() {
        core.shutdownNow();
    }

    /** Whether {@link #shutdown()} or {@link #shutdownNow()} was called and every connection has closed. */
    public boolean isTerminated() {
        return core.isTerminated();
    }

    /** Waits until terminated after a shutdown; returns whether that happened within {@code timeout}. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return core.awaitTermination(timeout);
    }

    /** Shuts down, waits up to the close timeout for calls in flight, cancels the rest. */
    @Override
    public void close() {
        core.close(closeTimeout);
    }

    /** Configures an {@link RpcChannel}. Not thread-safe. */
    public static final class Builder {
        private final Conduit conduit;
        private final Map<String, @Nullable ChannelFactory> targets = new LinkedHashMap<>();
        private final List<ClientInterceptor> interceptors = new ArrayList<>();
        private @Nullable Executor executor;
        private int maxMessageSize = RpcConfig.DEFAULT_MAX_MESSAGE_SIZE;
        private int initialWindow = RpcConfig.DEFAULT_INITIAL_WINDOW;
        private Duration keepAliveTime = Duration.ofSeconds(30);
        private Duration keepAliveTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofMinutes(30);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration backoffInitial = Duration.ofMillis(500);
        private Duration backoffMax = Duration.ofSeconds(30);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private @Nullable Idle idle;
        private boolean keepAliveSet;
        private ClientCallTracer.@Nullable Factory tracer;
        private Balancing balancing = Balancing.DEFAULT;
        private ServiceConfig serviceConfig = ServiceConfig.NONE;

        private Builder(Conduit conduit) {
            this.conduit = Objects.requireNonNull(conduit);
        }

        /**
         * Adds an endpoint of the service; with several, calls are spread over them by the {@linkplain
         * #loadBalancingPolicy policy}. Any Conduit transport, or a gRPC server: {@code grpc://host:port}, {@code
         * grpcs://host:port} (TLS, the {@code tls.*} options of {@code tcps://}), {@code grpc+unix:///abs/path.sock}
         * (see {@code docs/grpc.md}). Or a name whose scheme a {@link dev.conduit.rpc.resolver.NameResolverProvider}
         * serves, resolved into endpoints: {@code dns:///host:port} (every A and AAAA record; {@code
         * dns://server:port/host:port} asks that DNS server; {@code ?scheme=grpc} for gRPC servers).
         */
        public Builder target(String uri) {
            if (Resolvers.forTarget(uri) != null) {
                java.net.URI.create(uri);
            } else {
                Endpoint.parse(uri);
            }
            targets.put(uri, null);
            return this;
        }

        // ------------------------------------------------ load balancing, ejection, health, resolution (issue 19)

        /**
         * How calls are spread over the endpoints, by gRPC's policy names: {@code round_robin} (the default: each call
         * to the next endpoint that can take it) or {@code pick_first} (every call to the first endpoint, in the order
         * given or resolved, that can take it; the next only while it cannot). A {@link #serviceConfig} that chooses
         * a policy ({@code loadBalancingConfig}) wins over this, as in gRPC.
         *
         * @throws IllegalArgumentException for any other name
         */
        public Builder loadBalancingPolicy(String policy) {
            balancing = balancing.withPolicy(Balancing.Policy.named(policy));
            return this;
        }

        /**
         * Outlier ejection: an endpoint whose last {@code consecutiveFailures} calls failed with UNAVAILABLE,
         * INTERNAL, UNKNOWN or DATA_LOSS takes no new call for {@code ejectionTime}, times the number of ejections in
         * a row, at most {@code maxEjectionTime}; then it is taken back. The last endpoint that could take calls is
         * never ejected. Default 5 failures, 10 s, 5 min; 0 failures turns ejection off. (An endpoint that cannot
         * connect is left out anyway, and retried with {@link #reconnectBackoff}.)
         */
        public Builder outlierEjection(int consecutiveFailures, Duration ejectionTime, Duration maxEjectionTime) {
            if (consecutiveFailures < 0) {
                throw new IllegalArgumentException(
                        "consecutiveFailures must be 0 (off) or more: " + consecutiveFailures);
            }
            balancing = balancing.withEjection(
                    consecutiveFailures, Objects.requireNonNull(ejectionTime), Objects.requireNonNull(maxEjectionTime));
            return this;
        }

        /**
         * Client-side health checking: each connection watches the server's {@code grpc.health.v1} status of {@code
         * service} ({@code ""}: the server as a whole), and its endpoint takes calls only while that is SERVING. A
         * server without the health service is taken as healthy. Off by default.
         */
        public Builder healthCheck(String service) {
            balancing = balancing.withHealthService(Objects.requireNonNull(service));
            return this;
        }

        /**
         * How often names ({@code dns:///...}, a resolver's scheme) are resolved again: every {@code every} (default
         * 30 s), and soon after a connection to an endpoint fails, but not sooner than {@code minAfterFailure} after
         * the previous resolution (default 5 s).
         */
        public Builder resolveInterval(Duration every, Duration minAfterFailure) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("resolveInterval must be positive: " + every);
            }
            balancing = balancing.withResolution(every, Objects.requireNonNull(minAfterFailure));
            return this;
        }

        // ------------------------------------------------ end of issue 19's block

        /**
         * Adds an endpoint reached through {@code factory}, called for each (re)connection; {@code name} identifies it
         * in messages.
         */
        public Builder target(String name, ChannelFactory factory) {
            targets.put(name, Objects.requireNonNull(factory));
            return this;
        }

        /**
         * Traces every call: {@code factory} makes a {@link ClientCallTracer} per call, which sees each attempt (a
         * retried call has several), each message's size on the wire, and the status the call ended with (what {@code conduit-rpc-opentelemetry} builds its
         * metrics on). One per channel; a later call replaces it. Without one, calls do no tracing work.
         */
        public Builder tracer(ClientCallTracer.Factory factory) {
            this.tracer = Objects.requireNonNull(factory);
            return this;
        }

        // ---------------------------------------------------------------- retries (service config)

        /**
         * A service config in gRPC's JSON form: per method (or per service, or for every method), a {@code timeout}
         * (the longest a call may take; a shorter {@link CallOptions#withTimeout} wins) and a {@code retryPolicy}
         * ({@code maxAttempts} up to 5, {@code initialBackoff}, {@code maxBackoff}, {@code backoffMultiplier}, {@code
         * retryableStatusCodes}); channel-wide {@code retryThrottling} ({@code maxTokens}, {@code tokenRatio}); and the
         * load-balancing policy, {@code "loadBalancingConfig": [{"pick_first": {}}]} or {@code [{"round_robin": {}}]}
         * (the first entry naming a policy Conduit has is taken; the older {@code loadBalancingPolicy} string works too).
         * Members Conduit does not use are ignored; hedging is not done. See {@code docs/rpc.md}, "Retries".
         *
         * <pre>{@code
         * .serviceConfig("""
         *     {"methodConfig": [{"name": [{"service": "kv.Store"}],
         *       "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.1s", "maxBackoff": "1s",
         *                       "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}""")
         * }</pre>
         *
         * @throws IllegalArgumentException if {@code json} is not a valid service config; the message names the member
         */
        public Builder serviceConfig(String json) {
            this.serviceConfig = ServiceConfig.parse(json);
            return this;
        }

        /** Adds an interceptor; the first added is outermost. */
        public Builder intercept(ClientInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor));
            return this;
        }

        /**
         * Where asynchronous calls' callbacks run by default (the channel does not shut it down). By default, a pool
         * the channel owns; blocking calls and {@code CompletableFuture}s complete on the transport thread.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor);
            return this;
        }

        /** The largest response accepted, in bytes (default 4 MiB); larger ones fail with RESOURCE_EXHAUSTED. */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = positive(bytes, "maxMessageSize");
            return this;
        }

        /** The flow-control credit each call starts with for its responses, in bytes (default 1 MiB). */
        public Builder initialWindow(int bytes) {
            this.initialWindow = positive(bytes, "initialWindow");
            return this;
        }

        /**
         * Pings after {@code time} without hearing from the server, and declares the connection dead (failing its
         * calls with UNAVAILABLE) if nothing arrives within {@code timeout}. Default 30 s and 10 s; {@link
         * Duration#ZERO} disables. Over {@code grpc://} pings are sent only when set here, and only while calls are
         * open: gRPC servers disconnect clients that ping more often than they permit (grpc-java: every 5 minutes).
         */
        public Builder keepAlive(Duration time, Duration timeout) {
            this.keepAliveTime = Objects.requireNonNull(time);
            this.keepAliveTimeout = Objects.requireNonNull(timeout);
            this.keepAliveSet = true;
            return this;
        }

        /** Closes a connection that has had no call for this long (default 30 minutes); zero disables. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * How long the protocol handshake (HELLO) may take after the transport connected (default 10 s). The same name
         * as {@link RpcServer.Builder#handshakeTimeout}; the transport's own connect is bounded by the target URI's
         * {@code connectTimeout} option.
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * The old name of {@link #handshakeTimeout}, which is what it always set (not the transport's connect).
         *
         * @deprecated use {@link #handshakeTimeout}, the name both RPC builders use; this one goes in the next release
         */
        @Deprecated
        public Builder connectTimeout(Duration timeout) {
            return handshakeTimeout(timeout);
        }

        /** The wait before reconnecting to an unreachable endpoint: {@code initial}, growing to {@code max}. */
        public Builder reconnectBackoff(Duration initial, Duration max) {
            this.backoffInitial = Objects.requireNonNull(initial);
            this.backoffMax = Objects.requireNonNull(max);
            return this;
        }

        /** How long {@link RpcChannel#close()} lets calls in flight finish (default 5 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * How a blocking call's thread waits for its response: {@link Idle#BLOCK} parks at once, {@link
         * Idle#BACKOFF} spins briefly first (the default), {@link Idle#SPIN} spins until the response arrives (lowest
         * latency, a busy core per waiting thread). Defaults to the first target URI's {@code idle} option if set.
         */
        public Builder idle(Idle strategy) {
            this.idle = Objects.requireNonNull(strategy);
            return this;
        }

        /**
         * Creates the channel. Nothing connects until the first call.
         *
         * @throws IllegalStateException if no target was given
         * @throws dev.conduit.core.EndpointException if a target URI is not valid, or a name's resolver refuses it (a
         *     {@code dns:} target without a port)
         */
        public RpcChannel build() {
            if (targets.isEmpty()) {
                throw new IllegalStateException("no target: call target(uri)");
            }
            Idle waiting = idle;
            if (waiting == null) {
                String first = targets.keySet().iterator().next();
                waiting = targets.get(first) == null && Resolvers.forTarget(first) == null
                        ? Endpoint.parse(first).find(ChannelOptions.IDLE).orElse(Idle.BACKOFF)
                        : Idle.BACKOFF;
            }
            // As in gRPC, a service config's choice of policy wins over the builder's.
            Balancing.Policy chosen = serviceConfig.policy();
            ChannelCore core = new ChannelCore(
                    conduit,
                    targets,
                    new ChannelCore.Settings(
                            executor,
                            maxMessageSize,
                            initialWindow,
                            keepAliveTime,
                            keepAliveTimeout,
                            idleTimeout,
                            handshakeTimeout,
                            backoffInitial,
                            backoffMax,
                            waiting,
                            keepAliveSet,
                            tracer,
                            serviceConfig),
                    chosen == null ? balancing : balancing.withPolicy(chosen));
            return new RpcChannel(core, interceptors, closeTimeout);
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
