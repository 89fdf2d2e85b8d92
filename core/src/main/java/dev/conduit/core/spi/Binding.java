package dev.conduit.core.spi;

import dev.conduit.core.Endpoint;

/** A transport's listening endpoint. Closing it stops accepting; links already accepted stay open. */
public interface Binding extends AutoCloseable {

    /** The endpoint actually bound, in a form a client can connect to (a port of 0 replaced by the real port). */
    Endpoint endpoint();

    /** Stops accepting and releases the listening resources (socket, file). Idempotent and synchronous. */
    @Override
    void close();
}
