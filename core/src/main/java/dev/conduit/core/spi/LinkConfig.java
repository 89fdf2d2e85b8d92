package dev.conduit.core.spi;

import dev.conduit.core.Attributes;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import java.time.Duration;

/**
 * The common options of an endpoint, resolved by the runtime (defaults applied, values validated) for a transport.
 *
 * @param framing how the byte stream is cut into frames
 * @param maxFrame the largest frame accepted, in bytes; larger ones are refused before allocation
 * @param idle how the transport's threads wait
 * @param connectTimeout how long a connect may take
 * @param attributes the objects of this call: those attached to its endpoint over those of the runtime (see {@link
 *     Attributes}); where a transport finds the TLS context or process builder it was given in code
 */
public record LinkConfig(Framing framing, int maxFrame, Idle idle, Duration connectTimeout, Attributes attributes) {

    /** A configuration without attributes. */
    public LinkConfig(Framing framing, int maxFrame, Idle idle, Duration connectTimeout) {
        this(framing, maxFrame, idle, connectTimeout, Attributes.empty());
    }
}
