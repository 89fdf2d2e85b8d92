package dev.conduit.rpc.internal.grpc;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Option;
import dev.conduit.core.spi.TransportContext;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.ReferenceCountUtil;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * TLS of {@code grpcs://} endpoints: the same {@code tls.*} options, with the same meaning, as {@code tcps://}
 * (conduit-transport-socket's {@code TlsOptions}), read again here because RPC depends on core only; plus ALPN
 * {@code h2} and HTTP/2's cipher suites. Contexts are cached per runtime, one per set of files.
 */
final class GrpcTls {
    private GrpcTls() {}

    static final Option<String> CERT =
            Option.string("tls.cert", null, "PEM file: this side's certificate chain (listener; client for mTLS)");
    static final Option<String> KEY =
            Option.string("tls.key", null, "PEM file: the PKCS#8 private key of tls.cert, unencrypted");
    static final Option<String> TRUST =
            Option.string("tls.trust", null, "PEM file: CA certificates to trust (default: the JDK's, for clients)");
    static final Option<ClientAuth> CLIENT_AUTH = Option.choice(
            "tls.clientAuth", ClientAuth.class, ClientAuth.NONE, "client certificates a listener asks for");
    static final Option<Boolean> VERIFY_HOST =
            Option.bool("tls.verifyHost", true, "check that the server certificate names the host (default true)");
    static final Option<Duration> HANDSHAKE_TIMEOUT =
            Option.duration("tls.handshakeTimeout", Duration.ofSeconds(10), "how long a TLS handshake may take");

    static final List<Option<?>> OPTIONS = List.of(CERT, KEY, TRUST, CLIENT_AUTH, VERIFY_HOST, HANDSHAKE_TIMEOUT);

    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2);

    /** The context for a listener: needs {@code tls.cert} and {@code tls.key}. */
    static SslContext server(Endpoint e, TransportContext runtime) {
        String cert = e.find(CERT).orElse(null);
        String key = e.find(KEY).orElse(null);
        if (cert == null || key == null) {
            throw new EndpointException("a grpcs:// listener needs tls.cert and tls.key (PEM files); " + e.scheme()
                    + "://" + e.address() + " lacks " + (cert == null ? "tls.cert" : "tls.key"));
        }
        String trust = e.find(TRUST).orElse(null);
        ClientAuth auth = e.get(CLIENT_AUTH);
        if (auth != ClientAuth.NONE && trust == null) {
            throw new EndpointException("tls.clientAuth=" + auth.name().toLowerCase(Locale.ROOT)
                    + " needs tls.trust, the CA certificates that client certificates must chain to");
        }
        return cached(
                runtime,
                "grpc-tls:server:" + cert + "|" + key + "|" + trust + "|" + auth,
                paths(cert, key, trust),
                () -> {
                    SslContextBuilder b = SslContextBuilder.forServer(file("tls.cert", cert), file("tls.key", key));
                    if (trust != null) {
                        b.trustManager(file("tls.trust", trust));
                    }
                    return b.clientAuth(auth);
                });
    }

    /** The context for a client: trusts {@code tls.trust} (or the JDK's CAs), presents {@code tls.cert} if set. */
    static SslContext client(Endpoint e, TransportContext runtime) {
        String cert = e.find(CERT).orElse(null);
        String key = e.find(KEY).orElse(null);
        if ((cert == null) != (key == null)) {
            throw new EndpointException("tls.cert and tls.key go together; the endpoint sets only one of them");
        }
        String trust = e.find(TRUST).orElse(null);
        boolean verifyHost = e.get(VERIFY_HOST);
        return cached(
                runtime,
                "grpc-tls:client:" + cert + "|" + key + "|" + trust + "|" + verifyHost,
                paths(cert, key, trust),
                () -> {
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

    private interface Step {
        SslContextBuilder builder() throws Exception;
    }

    private static String[] paths(String... paths) {
        return paths;
    }

    private static SslContext cached(TransportContext runtime, String cacheKey, String[] paths, Step step) {
        return runtime.resource(cacheKey, () -> {
                    try {
                        SslContextBuilder b = step.builder()
                                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                                .applicationProtocolConfig(ALPN);
                        return new Cached(b.build());
                    } catch (EndpointException e) {
                        throw e;
                    } catch (Exception e) {
                        // Names the options, never a path: paths of keys count as secrets.
                        String why = String.valueOf(e.getMessage());
                        for (String p : paths) {
                            if (p != null) {
                                why = why.replace(p, "<file>");
                            }
                        }
                        throw new EndpointException("cannot set up TLS for gRPC from the tls.* files: " + why);
                    }
                })
                .context;
    }

    private static File file(String option, String path) {
        File f = new File(path);
        if (!f.canRead()) {
            throw new EndpointException(option + " names no readable file");
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
