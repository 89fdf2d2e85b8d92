package dev.conduit.core;

import org.jspecify.annotations.Nullable;

/** An operation on a channel that is closed. {@link #reason()} tells how it closed. */
public final class ChannelClosedException extends ConduitException {
    private static final long serialVersionUID = 1L;

    private final transient CloseReason reason;

    /** Creates the exception for a channel closed for {@code reason}. */
    public ChannelClosedException(CloseReason reason) {
        this(reason, reason.error());
    }

    /** Creates the exception with a more specific cause than the close reason's own. */
    public ChannelClosedException(CloseReason reason, @Nullable Throwable cause) {
        super("channel " + reason, cause);
        this.reason = reason;
    }

    /** How the channel closed. */
    public CloseReason reason() {
        return reason;
    }
}
