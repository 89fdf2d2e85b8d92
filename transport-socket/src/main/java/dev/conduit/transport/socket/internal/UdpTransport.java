package dev.conduit.transport.socket.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import dev.conduit.core.Option;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.Transport;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.transport.socket.UdpOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code udp://host:port}: one message is one datagram. A listener has one channel per sender address (its remote
 * endpoint is the sender; replies go back to it); a client channel sends to one address or multicast group. No
 * connection, so no delivery, order or close guarantee: see {@code docs/socket.md}.
 */
public final class UdpTransport implements Transport {

    @Override
    public Set<String> schemes() {
        return Set.of("udp");
    }

    @Override
    public List<Option<?>> options(String scheme) {
        return UdpOptions.ALL;
    }

    @Override
    public List<Framing> framings(String scheme) {
        return List.of(Framing.NONE);
    }

    @Override
    public List<Idle> idles(String scheme) {
        return List.of(Idle.BLOCK, Idle.SPIN);
    }

    @Override
    public void checkConnect(Endpoint endpoint, LinkConfig config) {
        UdpConfig.of(endpoint, config);
    }

    @Override
    public CompletableFuture<Void> connect(
            Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        return UdpClientLink.connect(UdpConfig.of(endpoint, config), context, binder);
    }

    @Override
    public Binding listen(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        return UdpBinding.bind(UdpConfig.of(endpoint, config), context, binder);
    }

    @Override
    public String toString() {
        return "UdpTransport";
    }
}
