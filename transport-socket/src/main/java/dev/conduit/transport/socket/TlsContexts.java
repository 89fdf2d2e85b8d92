package dev.conduit.transport.socket;

import io.netty.handler.ssl.SslContext;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Names for Netty {@link SslContext}s built in code, so that an endpoint, which is a string, can refer to one with
 * {@code ?tls.context=<name>}. Use it when PEM files do not fit: keys from a vault, a custom trust manager, OpenSSL.
 *
 * <pre>{@code
 * SslContext server = SslContextBuilder.forServer(key, chain).build();
 * try (TlsContexts.Registration r = TlsContexts.register("orders-server", server)) {
 *     conduit.listen("tcps://0.0.0.0:7443?tls.context=orders-server", codec, onAccept);
 *     ...
 * }
 * }</pre>
 *
 * <p>The registry is JVM-wide, like {@code inproc://} names. A context is looked up when an endpoint is connected or
 * listened on; closing the registration afterwards does not affect channels and listeners already made. Thread-safe.
 */
public final class TlsContexts {
    private static final ConcurrentMap<String, SslContext> BY_NAME = new ConcurrentHashMap<>();

    private TlsContexts() {}

    /**
     * Registers {@code context} under {@code name}. A listener needs a server context, a client a client context.
     *
     * @throws IllegalStateException if another context has that name
     */
    public static Registration register(String name, SslContext context) {
        Objects.requireNonNull(context, "context");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("TLS context names are letters, digits, '.', '_' and '-': " + name);
        }
        if (BY_NAME.putIfAbsent(name, context) != null) {
            throw new IllegalStateException("a TLS context is already registered as '" + name + "'");
        }
        return new Registration(name, context);
    }

    /** The context registered under {@code name}, or null. */
    public static @Nullable SslContext find(String name) {
        return BY_NAME.get(name);
    }

    /** A name given to a context; closing it frees the name. */
    public static final class Registration implements AutoCloseable {
        private final String name;
        private final SslContext context;

        private Registration(String name, SslContext context) {
            this.name = name;
            this.context = context;
        }

        /** The registered name, for {@code ?tls.context=}. */
        public String name() {
            return name;
        }

        /** Removes the name. Idempotent. */
        @Override
        public void close() {
            BY_NAME.remove(name, context);
        }
    }
}
