package dev.conduit.core.spi;

import dev.conduit.core.Endpoint;
import dev.conduit.core.Property;
import org.jspecify.annotations.Nullable;

/** A transport's listening endpoint. Closing it stops accepting; links already accepted stay open. */
public interface Binding extends AutoCloseable {

    /** The endpoint actually bound, in a form a client can connect to (a port of 0 replaced by the real port). */
    Endpoint endpoint();

    /** A transport-specific fact about the listening endpoint, or null if the transport does not know it. */
    default <V> @Nullable V property(Property<V> key) {
        return null;
    }

    /** Stops accepting and releases the listening resources (socket, file). Idempotent and synchronous. */
    @Override
    void close();
}
