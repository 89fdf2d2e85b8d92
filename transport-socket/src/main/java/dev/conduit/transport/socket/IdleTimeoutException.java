package dev.conduit.transport.socket;

import dev.conduit.core.ConduitException;
import java.time.Duration;

/**
 * Closed a channel on which nothing arrived for its {@code idleTimeout}: the peer is dead, cut off or silent. It is
 * the {@link dev.conduit.core.CloseReason#error() error} of the channel's close reason.
 */
public final class IdleTimeoutException extends ConduitException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception for a channel to {@code peer} that was quiet for {@code timeout}. */
    public IdleTimeoutException(String peer, Duration timeout) {
        super("nothing arrived from " + peer + " for " + timeout.toMillis() + " ms (idleTimeout=" + timeout.toMillis()
                + "ms); the peer is dead, unreachable or silent");
    }
}
