package dev.conduit.transport.socket.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.transport.netty.NettyEngine;
import dev.conduit.transport.socket.ReconnectOptions;
import dev.conduit.transport.socket.TcpOptions;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Everything a tcp endpoint asks for, read once from its URI.
 *
 * @param endpoint the endpoint as given
 * @param link the common options, resolved by the runtime
 * @param engine the requested I/O engine (may be {@code AUTO})
 * @param noDelay TCP_NODELAY
 * @param keepAlive TCP keepalive idle time, zero for off
 * @param idleTimeout read idle timeout, zero for none
 * @param tls TLS settings, or null for plaintext
 * @param reconnect reconnection settings for clients, or null
 */
record TcpConfig(
        Endpoint endpoint,
        LinkConfig link,
        NettyEngine engine,
        boolean noDelay,
        Duration keepAlive,
        Duration idleTimeout,
        @Nullable TlsSetup tls,
        @Nullable ReconnectPolicy reconnect) {

    static TcpConfig of(Endpoint endpoint, LinkConfig link) {
        endpoint.port(); // validates host:port early, naming the endpoint
        return new TcpConfig(
                endpoint,
                link,
                NettyEngine.of(endpoint.get(TcpOptions.IO)),
                endpoint.get(TcpOptions.NO_DELAY),
                endpoint.get(TcpOptions.KEEP_ALIVE),
                endpoint.get(TcpOptions.IDLE_TIMEOUT),
                TlsSetup.of(endpoint, link.attributes()),
                endpoint.get(ReconnectOptions.RECONNECT) ? ReconnectPolicy.of(endpoint) : null);
    }

    /** The scheme for endpoints this link reports: {@code tcps} when TLS is on. */
    String scheme() {
        return tls != null ? "tcps" : "tcp";
    }
}
