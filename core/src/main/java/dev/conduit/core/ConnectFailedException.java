package dev.conduit.core;

import org.jspecify.annotations.Nullable;

/** A connection could not be made. The message names the endpoint and the reason (refused, timed out, not found). */
public final class ConnectFailedException extends ConduitException {
    private static final long serialVersionUID = 1L;

    private final String endpoint;

    /** Creates the exception for the endpoint {@code endpoint}. */
    public ConnectFailedException(String endpoint, String reason, @Nullable Throwable cause) {
        super("cannot connect to " + endpoint + ": " + reason, cause);
        this.endpoint = endpoint;
    }

    /** The endpoint that could not be reached, as a URI string. */
    public String endpoint() {
        return endpoint;
    }
}
