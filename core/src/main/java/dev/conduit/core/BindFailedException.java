package dev.conduit.core;

import org.jspecify.annotations.Nullable;

/** A listener could not be bound: the address is in use, not permitted, or not valid here. */
public final class BindFailedException extends ConduitException {
    private static final long serialVersionUID = 1L;

    private final String endpoint;
    private final String reason;

    /** Creates the exception for the endpoint {@code endpoint}. */
    public BindFailedException(String endpoint, String reason, @Nullable Throwable cause) {
        super("cannot listen on " + endpoint + ": " + reason, cause);
        this.endpoint = endpoint;
        this.reason = reason;
    }

    /** Why, without the endpoint: for a caller that names the endpoint in its own words. */
    public String reason() {
        return reason;
    }

    /** The endpoint that could not be bound, as printed (secrets masked: see {@link Endpoint#toString()}). */
    public String endpoint() {
        return endpoint;
    }
}
