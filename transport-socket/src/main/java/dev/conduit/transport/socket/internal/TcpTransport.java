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
import dev.conduit.transport.socket.ReconnectOptions;
import dev.conduit.transport.socket.TcpOptions;
import dev.conduit.transport.socket.TlsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code tcp://host:port} and {@code tcps://host:port}: byte streams cut into messages by length-prefix (default) or
 * line framing, over Netty with the engine of {@code ?io=}. TLS with {@code tcps://} or {@code ?tls=true}.
 */
public final class TcpTransport implements Transport {
    private static final List<Option<?>> OPTIONS = options();

    private static List<Option<?>> options() {
        List<Option<?>> all = new ArrayList<>(TcpOptions.ALL);
        all.addAll(TlsOptions.ALL);
        all.addAll(ReconnectOptions.ALL);
        return List.copyOf(all);
    }

    @Override
    public Set<String> schemes() {
        return Set.of("tcp", "tcps");
    }

    @Override
    public List<Option<?>> options(String scheme) {
        return OPTIONS;
    }

    @Override
    public List<Framing> framings(String scheme) {
        return List.of(Framing.LENGTH, Framing.LINE);
    }

    /** Netty event loops block or busy-poll; spin-then-park is not something they can do. */
    @Override
    public List<Idle> idles(String scheme) {
        return List.of(Idle.BLOCK, Idle.SPIN);
    }

    @Override
    public void checkConnect(Endpoint endpoint, LinkConfig config) {
        TlsSetup tls = TcpConfig.of(endpoint, config).tls();
        if (tls != null) {
            tls.checkFiles();
        }
    }

    @Override
    public CompletableFuture<Void> connect(
            Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        TcpConfig tcp = TcpConfig.of(endpoint, config);
        TcpConnector connector = new TcpConnector(tcp, context);
        if (tcp.reconnect() != null) {
            return ReconnectingLink.start(connector, tcp.reconnect(), context, binder);
        }
        return connector.connect(binder);
    }

    @Override
    public Binding listen(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        return TcpBinding.bind(TcpConfig.of(endpoint, config), context, binder);
    }

    @Override
    public String toString() {
        return "TcpTransport";
    }
}
