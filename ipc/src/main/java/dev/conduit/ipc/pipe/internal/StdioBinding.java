package dev.conduit.ipc.pipe.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Binding;

/**
 * A {@code pipe:} listener in a child: it has accepted its one channel, over the process's stdin and stdout, by the
 * time {@code listen} returns. Closing it accepts nothing more; the channel is closed by the listener that owns it.
 */
final class StdioBinding implements Binding {
    private final Endpoint endpoint;

    StdioBinding(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        // Nothing listens: the one channel was accepted at once.
    }

    @Override
    public String toString() {
        return "pipe-stdio-binding";
    }
}
