package dev.conduit.core;

import org.jspecify.annotations.Nullable;

/** A {@link Codec} could not encode or decode a message. */
public final class CodecException extends ConduitException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message and the codec's own error. */
    public CodecException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
