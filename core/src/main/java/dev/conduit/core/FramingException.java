package dev.conduit.core;

/**
 * A byte stream that cannot be cut into frames: a negative length, a stream that ended inside a frame, or bytes a
 * framing cannot carry. The channel that saw it is closed with this error; other channels are not affected.
 */
public class FramingException extends ConduitException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that names what was read and what was expected. */
    public FramingException(String message) {
        super(message);
    }
}
