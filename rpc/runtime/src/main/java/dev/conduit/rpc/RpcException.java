package dev.conduit.rpc;

import dev.conduit.core.ConduitException;
import java.util.Objects;

/**
 * The one exception type for failed calls: it carries the {@link Status} (code, description) and the trailing
 * {@link Metadata} the server sent with it. Handlers may throw it to end a call with a chosen status and trailers.
 *
 * <p>Its message is the status, {@code CODE: description}. Immutable apart from the trailers, which callers should
 * treat as read-only.
 */
public final class RpcException extends ConduitException {
    private static final long serialVersionUID = 1L;

    private final transient Status status;
    private final transient Metadata trailers;

    /** An exception for {@code status} without trailers. */
    public RpcException(Status status) {
        this(status, new Metadata());
    }

    /** An exception for {@code status} with {@code trailers}. */
    public RpcException(Status status, Metadata trailers) {
        super(status.toString(), status.cause());
        this.status = Objects.requireNonNull(status, "status");
        this.trailers = Objects.requireNonNull(trailers, "trailers");
    }

    /** The status of the call. */
    public Status status() {
        return status;
    }

    /** The status code; shorthand for {@code status().code()}. */
    public Status.Code code() {
        return status.code();
    }

    /** The trailing metadata the server sent with the status (empty if none). */
    public Metadata trailers() {
        return trailers;
    }
}
