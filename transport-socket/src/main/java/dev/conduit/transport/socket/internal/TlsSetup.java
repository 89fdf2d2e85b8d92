package dev.conduit.transport.socket.internal;

import dev.conduit.core.Attributes;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.transport.socket.TlsOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.File;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The TLS settings of one endpoint and the {@link SslContext} they give. Contexts built from PEM files are cached per
 * runtime (one per distinct set of files), so that connections do not parse keys again.
 *
 * @param cert PEM certificate chain, or null
 * @param key PEM private key, or null
 * @param trust PEM trusted CAs, or null
 * @param clientAuth what a listener asks of clients
 * @param verifyHost whether a client checks the server's name
 * @param serverAttached a server context built in code that replaces the files of a listener, or null
 * @param clientAttached a client context built in code that replaces the files of a client, or null
 * @param handshakeTimeout how long a handshake may take
 */
record TlsSetup(
        @Nullable String cert,
        @Nullable String key,
        @Nullable String trust,
        ClientAuth clientAuth,
        boolean verifyHost,
        @Nullable SslContext serverAttached,
        @Nullable SslContext clientAttached,
        Duration handshakeTimeout) {

    /**
     * The endpoint's TLS settings, or null if it does not use TLS.
     *
     * @param attributes the call's attributes over the runtime's, where an attached context is found
     */
    static @Nullable TlsSetup of(Endpoint endpoint, Attributes attributes) {
        boolean on = endpoint.scheme().equals("tcps") || endpoint.get(TlsOptions.TLS);
        if (!on) {
            for (var option : TlsOptions.ALL) {
                if (option != TlsOptions.TLS && endpoint.find(option).isPresent()) {
                    throw new EndpointException(
                            option.name() + " is set on " + endpoint + " but TLS is off; use tcps:// or add tls=true");
                }
            }
            // A runtime's default context is for its TLS calls only; one attached to this call asks for TLS.
            for (var key : List.of(TlsOptions.SERVER_CONTEXT, TlsOptions.CLIENT_CONTEXT)) {
                if (endpoint.attributes().get(key) != null) {
                    throw new EndpointException(key.name() + " is attached to " + endpoint
                            + " but TLS is off; use tcps:// or add tls=true");
                }
            }
            return null;
        }
        SslContext serverAttached = attributes.get(TlsOptions.SERVER_CONTEXT);
        SslContext clientAttached = attributes.get(TlsOptions.CLIENT_CONTEXT);
        checkSide(endpoint, serverAttached, true);
        checkSide(endpoint, clientAttached, false);
        TlsSetup setup = new TlsSetup(
                endpoint.find(TlsOptions.CERT).orElse(null),
                endpoint.find(TlsOptions.KEY).orElse(null),
                endpoint.find(TlsOptions.TRUST).orElse(null),
                endpoint.get(TlsOptions.CLIENT_AUTH),
                endpoint.get(TlsOptions.VERIFY_HOST),
                serverAttached,
                clientAttached,
                endpoint.get(TlsOptions.HANDSHAKE_TIMEOUT));
        if ((setup.cert == null) != (setup.key == null)) {
            throw new EndpointException("tls.cert and tls.key go together; " + endpoint + " sets only one of them");
        }
        return setup;
    }

    private static void checkSide(Endpoint endpoint, @Nullable SslContext context, boolean server) {
        if (context != null && context.isServer() != server) {
            String key = (server ? TlsOptions.SERVER_CONTEXT : TlsOptions.CLIENT_CONTEXT).name();
            throw new EndpointException(key + " given for " + endpoint + " is a " + (server ? "client" : "server")
                    + " context; expected a " + (server ? "server" : "client") + " context");
        }
    }

    /** Checks that the PEM files named exist and are readable, as building a context would. */
    void checkFiles() {
        if (cert != null) {
            file("tls.cert", cert);
        }
        if (key != null) {
            file("tls.key", key);
        }
        if (trust != null) {
            file("tls.trust", trust);
        }
    }

    /** The context for a listener; needs a certificate and key, or a registered server context. */
    SslContext serverContext(Endpoint endpoint, TransportContext runtime) {
        if (serverAttached != null) {
            return serverAttached;
        }
        if (cert == null || key == null) {
            throw new EndpointException("a TLS listener needs tls.cert and tls.key (PEM files) or an attached "
                    + TlsOptions.SERVER_CONTEXT.name() + "; " + endpoint + " has neither");
        }
        return cached(runtime, "server", () -> {
            SslContextBuilder b = SslContextBuilder.forServer(file("tls.cert", cert), file("tls.key", key));
            if (trust != null) {
                b.trustManager(file("tls.trust", trust));
            } else if (clientAuth != ClientAuth.NONE) {
                throw new EndpointException(
                        "tls.clientAuth=" + clientAuth.name().toLowerCase(java.util.Locale.ROOT)
                                + " needs tls.trust, the CA certificates that client certificates must chain to");
            }
            return b.clientAuth(clientAuth);
        });
    }

    /** The context for a client: trusts {@code tls.trust} (or the JDK's CAs), presents {@code tls.cert} if set. */
    SslContext clientContext(Endpoint endpoint, TransportContext runtime) {
        if (clientAttached != null) {
            return clientAttached;
        }
        return cached(runtime, "client", () -> {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (trust != null) {
                b.trustManager(file("tls.trust", trust));
            }
            if (cert != null && key != null) {
                b.keyManager(file("tls.cert", cert), file("tls.key", key));
            }
            return b.endpointIdentificationAlgorithm(verifyHost ? "HTTPS" : null);
        });
    }

    /** A handler for one connection; a client's names the server for SNI and host verification. */
    SslHandler newHandler(SslContext context, ByteBufAllocator alloc, @Nullable String host, int port) {
        SslHandler handler = host == null ? context.newHandler(alloc) : context.newHandler(alloc, host, port);
        handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        return handler;
    }

    private interface BuilderStep {
        SslContextBuilder builder() throws Exception;
    }

    private SslContext cached(TransportContext runtime, String side, BuilderStep step) {
        String cacheKey = "tls:" + side + ":"
                + String.join(
                        "|",
                        String.valueOf(cert),
                        String.valueOf(key),
                        String.valueOf(trust),
                        clientAuth.name(),
                        String.valueOf(verifyHost));
        return runtime.resource(cacheKey, () -> {
                    try {
                        return new Cached(step.builder().build());
                    } catch (EndpointException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new EndpointException(
                                "cannot set up TLS from " + describeFiles() + ": " + e.getMessage());
                    }
                })
                .context;
    }

    private String describeFiles() {
        List<String> parts = new java.util.ArrayList<>();
        if (cert != null) {
            parts.add("tls.cert=" + cert);
        }
        if (key != null) {
            parts.add("tls.key=***"); // a secret: see Endpoint.isSecret
        }
        if (trust != null) {
            parts.add("tls.trust=" + trust);
        }
        return parts.isEmpty() ? "the JDK's defaults" : String.join(", ", parts);
    }

    private static File file(String option, String path) {
        File f = new File(path);
        if (!f.canRead()) {
            String shown = Endpoint.isSecret(option) ? "***" : path;
            throw new EndpointException(option + "=" + shown + ": no such readable file");
        }
        return f;
    }

    /** A cached context, released with the runtime (OpenSSL contexts hold native memory). */
    private record Cached(SslContext context) implements AutoCloseable {
        @Override
        public void close() {
            ReferenceCountUtil.release(context);
        }
    }
}
