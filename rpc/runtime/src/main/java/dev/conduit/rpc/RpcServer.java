package dev.conduit.rpc;

import dev.conduit.core.Channel;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.rpc.health.HealthService;
import dev.conduit.rpc.internal.GrpcServerSettings;
import dev.conduit.rpc.internal.RpcConfig;
import dev.conduit.rpc.internal.ServerCore;
import dev.conduit.rpc.reflection.ReflectionService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Serves {@link ServiceDefinition services} on one or more endpoints at once, for example TCP and shared memory:
 *
 * <pre>{@code
 * try (RpcServer server = RpcServer.builder(conduit)
 *         .listen("tcp://127.0.0.1:7000")
 *         .listen("shm://kv")
 *         .addService(kvService)
 *         .start()) {
 *     server.endpoints().forEach(e -> System.out.println("listening on " + e));
 *     ...
 * }
 * }</pre>
 *
 * <p>Handlers run on the server's executor: by default the runtime's handler executor ({@link
 * Conduit#scheduler()}), never a transport thread; {@link Builder#directExecutor()} runs them on the transport thread
 * for the lowest latency, for handlers that never block. The server starts no thread of its own: its timers and
 * handlers run on the runtime's threads.
 *
 * <p>{@link #shutdown()} stops taking new calls (the listeners stop accepting at once, and connected clients get a
 * GOAWAY) and lets calls in flight finish; {@link #shutdownNow()} ends them with {@code UNAVAILABLE}; {@link #close()}
 * does the first, waits up to the close timeout, then the second. The {@link Conduit} runtime is the caller's to
 * close, after the server. Thread-safe.
 *
 * <p>To serve until the process is told to stop (SIGTERM, Ctrl-C), close the server from a shutdown hook and wait in
 * the main thread:
 *
 * <pre>{@code
 * Runtime.getRuntime().addShutdownHook(new Thread(server::close));
 * server.awaitTermination();
 * }</pre>
 *
 * <p>gRPC's standard services come with one builder call each: {@link Builder#addHealthService} (whose statuses all
 * turn {@code NOT_SERVING} as soon as any of the three starts) and {@link Builder#addReflectionService()}.
 */
public final class RpcServer implements AutoCloseable {
    private final ServerCore core;
    private final List<Endpoint> endpoints;
    private final Duration closeTimeout;
    private final @Nullable HealthService health;

    private RpcServer(
            ServerCore core, List<Endpoint> endpoints, Duration closeTimeout, @Nullable HealthService health) {
        this.core = core;
        this.endpoints = List.copyOf(endpoints);
        this.closeTimeout = closeTimeout;
        this.health = health;
    }

    /** A builder for a server on {@code conduit}'s transports. */
    public static Builder builder(Conduit conduit) {
        return new Builder(conduit);
    }

    /** A builder for a server on the {@link Conduit#shared() shared} runtime. */
    public static Builder builder() {
        return new Builder(Conduit.shared());
    }

    /** The bound endpoints, in the order given, with ephemeral ports replaced by the real ones. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /**
     * Serves one more connection, opened by {@code factory}: for channels not made by listening on a URI, such as a
     * child process's stdio. The future completes when the channel is open.
     */
    public CompletableFuture<Void> serve(ChannelFactory factory) {
        return core.serve(factory);
    }

    /** Calls in flight. */
    public int activeCalls() {
        return core.activeCalls();
    }

    /** Stops taking new calls; calls in flight continue. Returns at once. */
    public void shutdown() {
        healthToNotServing();
        core.shutdown();
    }

    /** Stops taking calls and cancels those in flight; clients see {@link Status.Code#UNAVAILABLE}. */
    public void shutdownNow() {
        healthToNotServing();
        core.shutdownNow();
    }

    /** Before the GOAWAY, so that health watchers learn why the server goes away. */
    private void healthToNotServing() {
        if (health != null) {
            health.enterShutdown();
        }
    }

    /** Waits until every connection has closed after a shutdown; returns whether that happened in time. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return core.awaitTermination(timeout);
    }

    /**
     * Waits, however long it takes, until the server has terminated: the "serve until stopped" call of a program's
     * main thread. Something else stops the server, typically a shutdown hook, so that SIGTERM or Ctrl-C stops it in
     * order (see the class documentation).
     *
     * @throws InterruptedException if the waiting thread is interrupted; the server keeps running
     */
    public void awaitTermination() throws InterruptedException {
        core.awaitTermination();
    }

    /** Whether {@link #shutdown()} or {@link #shutdownNow()} was called. */
    public boolean isShutdown() {
        return core.isShutdown();
    }

    /** Whether the server has shut down completely. */
    public boolean isTerminated() {
        return core.isTerminated();
    }

    /**
     * Shuts down gracefully: waits up to the close timeout for calls in flight, then cancels what remains.
     * Idempotent.
     */
    @Override
    public void close() {
        healthToNotServing();
        core.close(closeTimeout);
    }

    /** Configures and starts an {@link RpcServer}. Not thread-safe. */
    public static final class Builder {
        private final Conduit conduit;
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final List<ServiceDefinition> services = new ArrayList<>();
        private @Nullable HealthService health;
        private boolean reflection;
        private final List<ServerInterceptor> interceptors = new ArrayList<>();
        private ServerCallTracer.@Nullable Factory tracer;
        private @Nullable Executor executor;
        private int maxMessageSize = RpcConfig.DEFAULT_MAX_MESSAGE_SIZE;
        private int initialWindow = RpcConfig.DEFAULT_INITIAL_WINDOW;
        private Duration keepAliveTime = Duration.ofMinutes(2);
        private Duration keepAliveTimeout = Duration.ofSeconds(20);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private GrpcServerSettings grpc = GrpcServerSettings.DEFAULT;

        private Builder(Conduit conduit) {
            this.conduit = Objects.requireNonNull(conduit);
        }

        /**
         * Listens on {@code uri} too (any transport: {@code tcp://127.0.0.1:0}, {@code shm://name}, ...). {@code
         * grpc://host:port}, {@code grpcs://host:port} and {@code grpc+unix:///abs/path.sock} serve the same services as
         * plain gRPC on HTTP/2, for any gRPC client (see {@code docs/grpc.md}).
         */
        public Builder listen(String uri) {
            return listen(Endpoint.parse(uri));
        }

        /** Listens on {@code endpoint} too. */
        public Builder listen(Endpoint endpoint) {
            endpoints.add(Objects.requireNonNull(endpoint));
            return this;
        }

        /** Serves {@code service}. */
        public Builder addService(ServiceDefinition service) {
            services.add(Objects.requireNonNull(service));
            return this;
        }

        /**
         * Serves gRPC's health service, {@code grpc.health.v1.Health}, reporting the statuses set on {@code health}.
         * When the server's shutdown starts, every status turns {@code NOT_SERVING} and Watch calls end.
         *
         * @throws IllegalStateException if a health service was already added
         */
        public Builder addHealthService(HealthService health) {
            if (this.health != null) {
                throw new IllegalStateException("a health service was already added to this server");
            }
            this.health = Objects.requireNonNull(health);
            return addService(health.definition());
        }

        /**
         * Serves gRPC's server reflection, {@code grpc.reflection.v1} and {@code v1alpha}, describing every service of
         * this server (those added after this call too), so that tools such as {@code grpcurl} and {@code conduit
         * call} find methods and message types by name. See {@link ReflectionService}.
         */
        public Builder addReflectionService() {
            this.reflection = true;
            return this;
        }

        /** Puts {@code interceptor} in front of every method; the first added is outermost. */
        public Builder intercept(ServerInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor));
            return this;
        }

        /**
         * Traces every call: {@code factory} makes a {@link ServerCallTracer} per call, which sees each message's size
         * on the wire and the status the call ended with, calls to unknown methods included (what {@code
         * conduit-rpc-opentelemetry} builds its metrics on). One per server; a later call replaces it. Without one,
         * calls do no tracing work.
         */
        public Builder tracer(ServerCallTracer.Factory factory) {
            this.tracer = Objects.requireNonNull(factory);
            return this;
        }

        /** Runs handlers on {@code executor} (which the server does not shut down), one call's callbacks at a time. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor);
            return this;
        }

        /**
         * Runs handlers on the transport thread that received the call: no thread hop, the lowest latency. Only for
         * handlers that never block; a handler that sends faster than the client grants credit queues in memory.
         */
        public Builder directExecutor() {
            return executor(Channel.DIRECT);
        }

        /** The largest request accepted, in bytes (default 4 MiB); larger ones fail with RESOURCE_EXHAUSTED. */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = positive(bytes, "maxMessageSize");
            return this;
        }

        /** The flow-control credit each call starts with for its requests, in bytes (default 1 MiB). */
        public Builder initialWindow(int bytes) {
            this.initialWindow = positive(bytes, "initialWindow");
            return this;
        }

        /**
         * Pings a client after {@code time} without hearing from it, and closes the connection (cancelling its calls)
         * if nothing arrives within {@code timeout}. Default 2 minutes and 20 s; {@link Duration#ZERO} disables.
         */
        public Builder keepAlive(Duration time, Duration timeout) {
            this.keepAliveTime = Objects.requireNonNull(time);
            this.keepAliveTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * How often a {@code grpc://} client may send keepalive pings: at most once per {@code minTime} (default 5
         * minutes), and while it has no call open only if {@code withoutCalls}. A client that pings more often is
         * disconnected with GOAWAY {@code ENHANCE_YOUR_CALM} ("too_many_pings"), as gRPC servers do.
         */
        public Builder permitKeepAlive(Duration minTime, boolean withoutCalls) {
            grpc = new GrpcServerSettings(grpc.maxConcurrentCalls(), Objects.requireNonNull(minTime), withoutCalls);
            return this;
        }

        /**
         * The most calls one {@code grpc://} connection may have open at once (default 1000); the client is told in
         * its SETTINGS, and streams beyond are refused.
         */
        public Builder maxConcurrentCallsPerConnection(int calls) {
            grpc = new GrpcServerSettings(
                    positive(calls, "maxConcurrentCallsPerConnection"),
                    grpc.permitKeepAliveTime(),
                    grpc.permitKeepAliveWithoutCalls());
            return this;
        }

        /**
         * How long a new connection may take to send its HELLO (default 10 s). The same name as {@link
         * RpcChannel.Builder#handshakeTimeout}.
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * How long {@link RpcServer#close()} lets calls in flight finish before cancelling them (default 10 s). The
         * same name as {@link RpcChannel.Builder#closeTimeout}.
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * The old name of {@link #closeTimeout}.
         *
         * @deprecated use {@link #closeTimeout}, the name both RPC builders use; this one goes in the next release
         */
        @Deprecated
        public Builder shutdownTimeout(Duration timeout) {
            return closeTimeout(timeout);
        }

        /**
         * Binds every endpoint and starts serving.
         *
         * @throws dev.conduit.core.BindFailedException if an endpoint cannot be bound (none stays bound)
         * @throws IllegalStateException if no endpoint or no service was given
         */
        public RpcServer start() {
            if (endpoints.isEmpty()) {
                throw new IllegalStateException("no endpoint to listen on: call listen(uri)");
            }
            List<ServiceDefinition> served = new ArrayList<>(services);
            if (reflection) {
                served.addAll(ReflectionService.definitions(services));
            }
            List<ServerMethodDefinition<?, ?>> all = new ArrayList<>();
            for (ServerMethodDefinition<?, ?> m :
                    served.stream().flatMap(s -> s.methods().stream()).toList()) {
                ServerMethodDefinition<?, ?> wrapped = m;
                for (int i = interceptors.size() - 1; i >= 0; i--) {
                    wrapped = wrapped.intercept(interceptors.get(i));
                }
                all.add(wrapped);
            }
            ServerCore core = new ServerCore(
                    conduit,
                    all,
                    executor,
                    maxMessageSize,
                    initialWindow,
                    keepAliveTime,
                    keepAliveTimeout,
                    handshakeTimeout,
                    grpc,
                    tracer);
            List<Endpoint> bound;
            try {
                bound = core.listen(endpoints);
            } catch (RuntimeException e) {
                core.close(Duration.ZERO);
                throw e;
            }
            return new RpcServer(core, bound, closeTimeout, health);
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
