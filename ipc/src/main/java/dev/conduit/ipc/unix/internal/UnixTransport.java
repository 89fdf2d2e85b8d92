package dev.conduit.ipc.unix.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import dev.conduit.core.Option;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.Transport;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.ipc.UnixOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code unix:///abs/path.sock} and {@code unix:@name}: Unix domain stream sockets over Netty, cut into messages by
 * length-prefix (default) or line framing. The engine comes from {@code ?io=}: epoll on Linux by default, NIO (JDK
 * 16+) everywhere. See {@link UnixOptions} for the options.
 */
public final class UnixTransport implements Transport {

    @Override
    public Set<String> schemes() {
        return Set.of("unix");
    }

    @Override
    public List<Option<?>> options(String scheme) {
        return UnixOptions.ALL;
    }

    @Override
    public List<Framing> framings(String scheme) {
        return List.of(Framing.LENGTH, Framing.LINE);
    }

    /** Netty event loops block in the kernel or busy-poll; they cannot spin, yield and then park. */
    @Override
    public List<Idle> idles(String scheme) {
        return List.of(Idle.BLOCK, Idle.SPIN);
    }

    @Override
    public void checkConnect(Endpoint endpoint, LinkConfig config) {
        UnixConfig.of(endpoint, config);
    }

    @Override
    public CompletableFuture<Void> connect(
            Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        return UnixConnector.connect(UnixConfig.of(endpoint, config), context, binder);
    }

    @Override
    public Binding listen(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        return UnixBinding.bind(UnixConfig.of(endpoint, config), context, binder);
    }

    @Override
    public String toString() {
        return "UnixTransport";
    }
}
