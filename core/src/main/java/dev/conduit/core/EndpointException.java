package dev.conduit.core;

/**
 * A URI or an option that Conduit cannot use: malformed syntax, an unknown option, a value of the wrong type, or a
 * scheme whose transport is not on the classpath. The message says what was expected.
 */
public class EndpointException extends ConduitException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception that explains what was expected. */
    public EndpointException(String message) {
        super(message);
    }
}
