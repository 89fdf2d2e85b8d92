package dev.conduit.core.spi;

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
 */
public record LinkConfig(Framing framing, int maxFrame, Idle idle, Duration connectTimeout) {}
