package dev.conduit.transport.nats;

import dev.conduit.core.ConduitException;

/**
 * Why a {@code nats://} channel closed when core NATS let it down: its peer went silent for longer than {@link
 * NatsOptions#HEARTBEAT_TIMEOUT} (its process died, or its path through NATS broke), messages went missing (a NATS
 * server restart or a slow-consumer drop: the message says they may have been lost), or the peer closed on an error
 * of its own. Found as the error of the channel's {@link dev.conduit.core.CloseReason}.
 *
 * <p>Immutable.
 */
public final class NatsSessionException extends ConduitException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code message} says what happened and what it means for the messages in flight. */
    public NatsSessionException(String message) {
        super(message);
    }
}
