package dev.conduit.transport.socket.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.Property;
import dev.conduit.transport.netty.NettyLink;
import dev.conduit.transport.socket.SocketProperties;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/** How a tcp link names its ends and which facts it reports: the TLS session and the peer's certificate. */
final class TcpLinkFacts implements NettyLink.Naming, NettyLink.Properties {
    /**
     * The Netty channel under a link, for this module's tests, which read socket options back from the kernel.
     * Package-private: not API.
     */
    static final Property<Channel> NETTY_CHANNEL = Property.of("netty.channel", Channel.class);

    private final String scheme;

    TcpLinkFacts(String scheme) {
        this.scheme = scheme;
    }

    @Override
    public Endpoint local(Channel channel) {
        return Addresses.endpoint(scheme, channel.localAddress());
    }

    @Override
    public Endpoint remote(Channel channel) {
        return Addresses.endpoint(scheme, channel.remoteAddress());
    }

    @Override
    public <V> @Nullable V get(Property<V> key, Channel channel) {
        if (key == NETTY_CHANNEL) {
            return key.type().cast(channel);
        }
        if (key != SocketProperties.TLS_SESSION && key != SocketProperties.PEER_CERTIFICATE) {
            return null;
        }
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
            return null;
        }
        SSLSession session = ssl.engine().getSession();
        if (key == SocketProperties.TLS_SESSION) {
            return key.type().cast(session);
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509
                    ? key.type().cast(x509)
                    : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
