package dev.conduit.core;

import org.jspecify.annotations.Nullable;

/** A connection could not be made. The message names the endpoint and the reason (refused, timed out, not found). */
public final class ConnectFailedException extends ConduitException {
    private static final long serialVersionUID = 1L;

    private final String endpoint;
    private final String reason;

    /** Creates the exception for the endpoint {@code endpoint}. */
    public ConnectFailedException(String endpoint, String reason, @Nullable Throwable cause) {
        super("cannot connect to " + endpoint + ": " + reason, cause);
        this.endpoint = endpoint;
        this.reason = reason;
    }

    /** Why, without the endpoint: for a caller that names the endpoint in its own words. */
    public String reason() {
        return reason;
    }

    /** The endpoint that could not be reached, as printed (secrets masked: see {@link Endpoint#toString()}). */
    public String endpoint() {
        return endpoint;
    }
}
