package dev.conduit.transport.socket;

import dev.conduit.core.Attributes;
import dev.conduit.core.Option;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;

/**
 * TLS options of {@code tcp://} and {@code tcps://} endpoints. {@code tcps://} turns TLS on; so does {@code
 * tcp://...?tls=true}. Certificates and keys come from PEM files, or from a Netty {@link SslContext} built in code and
 * attached as {@link #SERVER_CONTEXT} or {@link #CLIENT_CONTEXT}.
 *
 * <pre>{@code
 * server: tcps://0.0.0.0:7443?tls.cert=/etc/app/server.pem&tls.key=/etc/app/server.key
 *                             &tls.trust=/etc/app/clients-ca.pem&tls.clientAuth=require
 * client: tcps://app.example:7443?tls.trust=/etc/app/ca.pem&tls.cert=/etc/app/client.pem&tls.key=/etc/app/client.key
 * }</pre>
 *
 * <p>A context built in code (keys from a vault, a custom trust manager, OpenSSL) goes with the endpoint of one call,
 * or with a runtime as the default for its every TLS call:
 *
 * <pre>{@code
 * conduit.listen(Endpoint.parse("tcps://0.0.0.0:7443").with(TlsOptions.SERVER_CONTEXT, serverContext), codec, onAccept);
 * Conduit clients = Conduit.builder().attribute(TlsOptions.CLIENT_CONTEXT, clientContext).build();
 * }</pre>
 *
 * <p>A listener's {@link dev.conduit.core.Listener#endpoint() endpoint} leaves out its own identity ({@link #CERT},
 * {@link #KEY}, and the attached context) and keeps the rest, so it can be handed to clients as it is; options that only make
 * sense on one side ({@link #CLIENT_AUTH} on a listener, {@link #VERIFY_HOST} on a client) are accepted and ignored on
 * the other. Constants only; thread-safe.
 */
public final class TlsOptions {
    private TlsOptions() {}

    /** Turns TLS on for a {@code tcp://} endpoint; {@code tcps://} always has it on. */
    public static final Option<Boolean> TLS = Option.bool("tls", false, "use TLS (tcps:// always does)");

    /** PEM file with this side's certificate chain: required on a listener, and a client's certificate for mTLS. */
    public static final Option<String> CERT =
            Option.string("tls.cert", null, "PEM file: this side's certificate chain (listener; client for mTLS)");

    /** PEM file with the PKCS#8 private key of {@link #CERT}, unencrypted. */
    public static final Option<String> KEY =
            Option.string("tls.key", null, "PEM file: the PKCS#8 private key of tls.cert, unencrypted");

    /**
     * PEM file with the CA certificates to trust. A client without it trusts the JDK's default trust store; a
     * listener needs it to verify client certificates.
     */
    public static final Option<String> TRUST =
            Option.string("tls.trust", null, "PEM file: CA certificates to trust (default: the JDK's, for clients)");

    /** Whether a listener asks clients for a certificate: {@code none} (default), {@code optional}, {@code require}. */
    public static final Option<ClientAuth> CLIENT_AUTH = Option.choice(
            "tls.clientAuth", ClientAuth.class, ClientAuth.NONE, "client certificates a listener asks for");

    /** Whether a client checks that the server's certificate names the host it connected to. Default {@code true}. */
    public static final Option<Boolean> VERIFY_HOST =
            Option.bool("tls.verifyHost", true, "check that the server certificate names the host (default true)");

    /**
     * A server {@link SslContext} for listeners, in place of {@link #CERT}, {@link #KEY}, {@link #TRUST} and {@link
     * #CLIENT_AUTH}, which it decides itself. Attached to an endpoint it must be a server context and needs TLS on;
     * given to a runtime it is the default of every TLS listener of that runtime.
     */
    public static final Attributes.Key<SslContext> SERVER_CONTEXT =
            Attributes.Key.of("tls.serverContext", SslContext.class);

    /**
     * A client {@link SslContext} for connecting, in place of {@link #TRUST}, {@link #CERT} and {@link #KEY}, which it
     * decides itself ({@link #VERIFY_HOST} too). Attached to an endpoint it must be a client context and needs TLS on;
     * given to a runtime it is the default of every TLS connection of that runtime.
     */
    public static final Attributes.Key<SslContext> CLIENT_CONTEXT =
            Attributes.Key.of("tls.clientContext", SslContext.class);

    /** How long a TLS handshake may take; a peer that stays silent longer is disconnected. Default 10 s. */
    public static final Option<Duration> HANDSHAKE_TIMEOUT =
            Option.duration("tls.handshakeTimeout", Duration.ofSeconds(10), "how long a TLS handshake may take");

    /** The options of this class, for listings. */
    public static final List<Option<?>> ALL =
            List.of(TLS, CERT, KEY, TRUST, CLIENT_AUTH, VERIFY_HOST, HANDSHAKE_TIMEOUT);
}
