package dev.conduit.ipc.fifo.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.Option;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.Transport;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.ipc.FifoOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code fifo:///abs/path}: a pair of named pipes ({@code path.c2s}, {@code path.s2c}) between unrelated processes,
 * one peer at a time per listener. Length-prefix framing by default, line framing for shell scripts.
 */
public final class FifoTransport implements Transport {

    @Override
    public Set<String> schemes() {
        return Set.of("fifo");
    }

    @Override
    public List<Option<?>> options(String scheme) {
        return FifoOptions.ALL;
    }

    @Override
    public List<Framing> framings(String scheme) {
        return List.of(Framing.LENGTH, Framing.LINE);
    }

    @Override
    public void checkConnect(Endpoint endpoint, LinkConfig config) {
        FifoPaths.of(endpoint);
    }

    @Override
    public CompletableFuture<Void> connect(
            Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        return FifoConnector.connect(endpoint, config, context, binder);
    }

    @Override
    public Binding listen(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        return FifoBinding.bind(endpoint, config, context, binder);
    }

    /** The endpoint naming a FIFO pair, without options. */
    static Endpoint named(FifoPaths paths) {
        return Endpoint.of("fifo", paths.base().toString());
    }

    @Override
    public String toString() {
        return "FifoTransport";
    }
}
