package dev.conduit.transport.socket;

import dev.conduit.core.Property;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSession;

/**
 * Facts that socket channels and listeners report through {@link dev.conduit.core.Channel#property} and {@link
 * dev.conduit.core.Listener#property}.
 *
 * <pre>{@code
 * X509Certificate client = channel.property(SocketProperties.PEER_CERTIFICATE).orElseThrow();
 * }</pre>
 *
 * <p>Constants only; thread-safe.
 */
public final class SocketProperties {
    private SocketProperties() {}

    /** The TLS session of a {@code tcps://} channel, once its handshake is done. */
    public static final Property<SSLSession> TLS_SESSION = Property.of("tls.session", SSLSession.class);

    /** The certificate the TLS peer presented (its leaf certificate); absent if it presented none. */
    public static final Property<X509Certificate> PEER_CERTIFICATE =
            Property.of("tls.peerCertificate", X509Certificate.class);

    /** The reconnection handle of a client channel connected with {@code ?reconnect=true}. */
    public static final Property<Reconnection> RECONNECTION = Property.of("reconnection", Reconnection.class);

    /** The multicast membership handle of a {@code udp://} listener. */
    public static final Property<Multicast> MULTICAST = Property.of("udp.multicast", Multicast.class);
}
