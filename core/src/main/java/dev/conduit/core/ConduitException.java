package dev.conduit.core;

import org.jspecify.annotations.Nullable;

/**
 * The root of Conduit's small family of unchecked exceptions. Every failure that Conduit reports through an
 * exception or a failed future is a {@code ConduitException}, and its message names what went wrong and what was
 * expected.
 */
public class ConduitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public ConduitException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying cause. */
    public ConduitException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
