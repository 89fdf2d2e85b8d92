package dev.conduit.core;

import dev.conduit.core.internal.RuntimeCore;
import dev.conduit.core.internal.TransportRegistry;
import dev.conduit.core.spi.TransportContext;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The Conduit runtime: connects and listens on endpoints, and owns the event loops, threads and buffer pool behind
 * them.
 *
 * <pre>{@code
 * try (Conduit conduit = Conduit.create();
 *      Listener<String> server = conduit.listen("tcp://127.0.0.1:0", Codecs.text(),
 *              ch -> ch.onMessage((c, msg) -> c.send(msg.toUpperCase())));
 *      Channel<String> client = conduit.connect(server.endpoint(), Codecs.text())) {
 *     client.send("hello");
 *     System.out.println(client.receive(Duration.ofSeconds(1)));   // HELLO
 * }
 * }</pre>
 *
 * <p>Create one runtime per application and close it at the end: {@link #close()} closes every listener and channel
 * it made, and after it returns no thread, file descriptor or pooled buffer of the runtime remains. Simple programs
 * can use {@link #shared()}. A runtime is thread-safe.
 */
public final class Conduit implements AutoCloseable {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final RuntimeCore core;
    private final boolean isShared;
    private final @Nullable ChannelMetrics metrics;

    private Conduit(RuntimeCore core, boolean isShared, @Nullable ChannelMetrics metrics) {
        this.core = core;
        this.isShared = isShared;
        this.metrics = metrics;
    }

    /** A new runtime with default settings. */
    public static Conduit create() {
        return builder().build();
    }

    /** A builder for a runtime with a name, a handler executor or attributes of your choice. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The JVM-wide runtime, created on first use, for programs that need only one. Its threads are daemons and it
     * lives until the JVM exits: {@link #close()} on it does nothing.
     */
    public static Conduit shared() {
        return SharedHolder.INSTANCE;
    }

    private static final class SharedHolder {
        static final Conduit INSTANCE = new Conduit(
                new RuntimeCore("shared", TransportRegistry.load(Conduit.class.getClassLoader()), null), true, null);
    }

    /**
     * Connects to {@code uri} and waits until connected (at most the {@code connectTimeout} option, 10 s by default).
     *
     * @throws EndpointException if the URI or an option is not valid, or no transport serves its scheme
     * @throws ConnectFailedException naming the endpoint if the connection cannot be made
     */
    public <T> Channel<T> connect(String uri, Codec<T> codec) {
        return connect(Endpoint.parse(uri), codec);
    }

    /** Like {@link #connect(String, Codec)}, for an endpoint built in code. */
    public <T> Channel<T> connect(Endpoint endpoint, Codec<T> codec) {
        try {
            return connectAsync(endpoint, codec).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                re.addSuppressed(new ConduitException("connect called here"));
                throw re;
            }
            throw e;
        }
    }

    /**
     * Connects without blocking. Invalid URIs and unknown schemes throw at once; connection failures fail the future
     * with {@link ConnectFailedException}.
     */
    public <T> CompletableFuture<Channel<T>> connectAsync(Endpoint endpoint, Codec<T> codec) {
        return core.connect(Objects.requireNonNull(endpoint), Objects.requireNonNull(codec));
    }

    /**
     * Checks {@code endpoint} as {@link #connect(Endpoint, Codec)} does before it connects, without connecting: a
     * transport serves its scheme, every option is known and valid, and the address has the transport's form (a host
     * and port, an absolute path, a name). For code that takes a URI now and connects later, such as an RPC channel.
     *
     * @throws EndpointException with the message {@code connect} would give (a {@link TransportNotFoundException} for
     *     an unknown scheme)
     */
    public void checkConnect(Endpoint endpoint) {
        core.checkConnect(Objects.requireNonNull(endpoint));
    }

    /**
     * Listens on {@code uri}; {@code onAccept} is called for each accepted channel (on a handler thread) before any
     * of its messages is delivered, typically to set its handler with {@link Channel#onMessage}.
     *
     * @throws EndpointException if the URI or an option is not valid, or no transport serves its scheme
     * @throws BindFailedException naming the endpoint if it cannot be bound
     */
    public <T> Listener<T> listen(String uri, Codec<T> codec, Consumer<Channel<T>> onAccept) {
        return listen(Endpoint.parse(uri), codec, onAccept);
    }

    /** Like {@link #listen(String, Codec, Consumer)}, for an endpoint built in code. */
    public <T> Listener<T> listen(Endpoint endpoint, Codec<T> codec, Consumer<Channel<T>> onAccept) {
        return core.listen(endpoint, codec, Objects.requireNonNull(onAccept));
    }

    /** Listens on {@code uri}; accepted channels wait for {@link Listener#accept}. */
    public <T> Listener<T> listen(String uri, Codec<T> codec) {
        return listen(Endpoint.parse(uri), codec);
    }

    /** Like {@link #listen(String, Codec)}, for an endpoint built in code. */
    public <T> Listener<T> listen(Endpoint endpoint, Codec<T> codec) {
        return core.listen(Objects.requireNonNull(endpoint), Objects.requireNonNull(codec), null);
    }

    /**
     * Watches the instances behind {@code endpoint}: calls {@code onChange} with a list of endpoints that each reach
     * one instance, once at the start and again whenever the list changes, until the watch is closed. Most transports
     * have one peer per endpoint, so the list is {@code [endpoint]} and never changes; a transport that puts many
     * instances behind one name ({@code nats://}, whose listeners share a subject) lists them as they come and go,
     * and falls back to {@code [endpoint]} while it knows none. An RPC client spreads its calls over the list.
     *
     * <p>{@code onChange} is called one call at a time, on the caller's thread the first time and on a transport
     * thread later; it must not block. Nothing connects to the instances: the caller does that.
     *
     * @throws EndpointException if the URI or an option is not valid, or no transport serves its scheme
     */
    public InstanceWatch watchInstances(Endpoint endpoint, Consumer<List<Endpoint>> onChange) {
        return core.watchInstances(Objects.requireNonNull(endpoint), Objects.requireNonNull(onChange));
    }

    /** The URI schemes served by the transports on the classpath, sorted. */
    public List<String> schemes() {
        return core.transports().schemes();
    }

    /** The runtime's name, which its thread names carry: {@code conduit-<name>-...}. */
    public String name() {
        return core.name();
    }

    /** A snapshot of what the runtime holds: open channels and listeners, pooled buffers in use. */
    public RuntimeStats stats() {
        return core.stats();
    }

    /**
     * The traffic of this runtime's channels per transport since it was built, sorted by transport: totals read now,
     * for a {@link ChannelMetrics} hook to report. Empty unless the runtime was built with {@link
     * Builder#channelMetrics}; once the runtime is closed, its final totals.
     */
    public List<ChannelTraffic> traffic() {
        return core.traffic();
    }

    /**
     * The runtime as transports see it: its event loops (through {@link TransportContext#resource}), buffer pool,
     * threads and timer. For modules that build on the runtime without being a {@link dev.conduit.core.spi.Transport},
     * such as RPC's gRPC support, so that they share the runtime's threads instead of making their own; applications
     * do not need it. Everything obtained through it is released when the runtime closes.
     */
    public TransportContext transportContext() {
        return core;
    }

    /**
     * The runtime's timer and its executor for blocking work, for code that builds on the runtime (such as an RPC
     * server or channel) so that it starts no threads of its own. See {@link RuntimeScheduler} for what may run where;
     * the runtime owns both, and they stop when it closes.
     */
    public RuntimeScheduler scheduler() {
        return core.runtimeScheduler();
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return core.isClosed();
    }

    /**
     * Closes every listener and channel of this runtime, then stops its threads and releases its buffers. Blocks until
     * done (at most about 10 s per stage). Idempotent. Does nothing on the {@link #shared()} runtime.
     *
     * @throws ConduitException listing everything that failed to close
     */
    @Override
    public void close() {
        if (!isShared) {
            try {
                core.close();
            } finally {
                if (metrics != null) {
                    metrics.runtimeClosed(this);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Conduit(" + core.name() + ")";
    }

    /** Builds a {@link Conduit} runtime. Not thread-safe. */
    public static final class Builder {
        private @Nullable String name;
        private @Nullable Executor handlerExecutor;
        private @Nullable ClassLoader classLoader;
        private Attributes attributes = Attributes.empty();
        private @Nullable ChannelMetrics metrics;

        private Builder() {}

        /** The runtime's name, used in thread names; default {@code rt<n>}. Letters, digits, '-' and '_'. */
        public Builder name(String name) {
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("runtime names are letters, digits, '-' and '_': " + name);
            }
            this.name = name;
            return this;
        }

        /**
         * The default executor for message handlers and accept callbacks; the runtime does not shut it down. By
         * default the runtime uses its own pool of handler threads, never the I/O threads.
         */
        public Builder handlerExecutor(Executor executor) {
            this.handlerExecutor = Objects.requireNonNull(executor);
            return this;
        }

        /** The class loader in which to look for transports; default: the one that loaded Conduit. */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader);
            return this;
        }

        /**
         * An object the runtime offers every call it makes, such as a default TLS context: a transport that looks for
         * {@code key} finds {@code value} unless the call's endpoint {@linkplain Endpoint#with(Attributes.Key, Object)
         * attaches} its own. Only this runtime sees it. The caller keeps owning {@code value}.
         */
        public <V> Builder attribute(Attributes.Key<V> key, V value) {
            this.attributes = attributes.with(key, value);
            return this;
        }

        /**
         * The hook told of this runtime's channels and listeners; with it, the runtime counts its traffic for {@link
         * #traffic()}. Without one (the default) nothing is counted. The caller keeps owning {@code metrics}.
         */
        public Builder channelMetrics(ChannelMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics);
            return this;
        }

        /** Creates the runtime. */
        public Conduit build() {
            String n = name != null ? name : "rt" + COUNT.incrementAndGet();
            ClassLoader loader = classLoader != null ? classLoader : Conduit.class.getClassLoader();
            Conduit conduit = new Conduit(
                    new RuntimeCore(n, TransportRegistry.load(loader), handlerExecutor, attributes, metrics),
                    false,
                    metrics);
            if (metrics != null) {
                metrics.runtimeStarted(conduit);
            }
            return conduit;
        }
    }
}
