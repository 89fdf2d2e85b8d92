package dev.conduit.rpc;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a call: a {@link Code} (the same codes and numbers as gRPC's), an optional description for humans,
 * and optionally a local cause. Only the code and the description travel on the wire; the cause stays in the process
 * that created the status, so no stack trace ever reaches a peer.
 *
 * <p>Immutable and thread-safe. Failures reach callers as an {@link RpcException} carrying the status.
 */
public final class Status {

    /** Status codes, with gRPC's names and numbers. */
    public enum Code {
        /** Not an error: the call completed. */
        OK(0),
        /** The call was cancelled, usually by the caller. */
        CANCELLED(1),
        /** An unknown error, for example a handler that threw an exception that carries no status. */
        UNKNOWN(2),
        /** The client sent an invalid argument. */
        INVALID_ARGUMENT(3),
        /** The deadline passed before the call completed. */
        DEADLINE_EXCEEDED(4),
        /** A requested entity was not found. */
        NOT_FOUND(5),
        /** An entity the client tried to create already exists. */
        ALREADY_EXISTS(6),
        /** The caller may not do this. */
        PERMISSION_DENIED(7),
        /** A resource ran out, for example a message over the size limit or a flow-control window overrun. */
        RESOURCE_EXHAUSTED(8),
        /** The system is not in a state required for the operation. */
        FAILED_PRECONDITION(9),
        /** The operation was aborted, typically because of a concurrency conflict. */
        ABORTED(10),
        /** The operation was attempted past the valid range. */
        OUT_OF_RANGE(11),
        /** The method is not implemented or not known by the server. */
        UNIMPLEMENTED(12),
        /** An internal error: an invariant broke, or a message could not be encoded or decoded. */
        INTERNAL(13),
        /** The service is unavailable, for example no connection can be made; usually worth retrying. */
        UNAVAILABLE(14),
        /** Unrecoverable data loss or corruption. */
        DATA_LOSS(15),
        /** The request lacks valid authentication credentials. */
        UNAUTHENTICATED(16);

        private static final Code[] BY_VALUE = values();

        private final int value;

        Code(int value) {
            this.value = value;
        }

        /** The code's number on the wire, as in gRPC. */
        public int value() {
            return value;
        }

        /** The code with this number; numbers this version does not know map to {@link #UNKNOWN}. */
        public static Code fromValue(int value) {
            return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : UNKNOWN;
        }

        /** This code as a status without description. */
        public Status toStatus() {
            return STATUSES[value];
        }
    }

    private static final Status[] STATUSES = new Status[Code.BY_VALUE.length];

    static {
        for (Code c : Code.BY_VALUE) {
            STATUSES[c.value] = new Status(c, null, null);
        }
    }

    /** {@link Code#OK} without description. */
    public static final Status OK = Code.OK.toStatus();
    /** {@link Code#CANCELLED} without description. */
    public static final Status CANCELLED = Code.CANCELLED.toStatus();
    /** {@link Code#UNKNOWN} without description. */
    public static final Status UNKNOWN = Code.UNKNOWN.toStatus();
    /** {@link Code#INVALID_ARGUMENT} without description. */
    public static final Status INVALID_ARGUMENT = Code.INVALID_ARGUMENT.toStatus();
    /** {@link Code#DEADLINE_EXCEEDED} without description. */
    public static final Status DEADLINE_EXCEEDED = Code.DEADLINE_EXCEEDED.toStatus();
    /** {@link Code#NOT_FOUND} without description. */
    public static final Status NOT_FOUND = Code.NOT_FOUND.toStatus();
    /** {@link Code#ALREADY_EXISTS} without description. */
    public static final Status ALREADY_EXISTS = Code.ALREADY_EXISTS.toStatus();
    /** {@link Code#PERMISSION_DENIED} without description. */
    public static final Status PERMISSION_DENIED = Code.PERMISSION_DENIED.toStatus();
    /** {@link Code#RESOURCE_EXHAUSTED} without description. */
    public static final Status RESOURCE_EXHAUSTED = Code.RESOURCE_EXHAUSTED.toStatus();
    /** {@link Code#FAILED_PRECONDITION} without description. */
    public static final Status FAILED_PRECONDITION = Code.FAILED_PRECONDITION.toStatus();
    /** {@link Code#ABORTED} without description. */
    public static final Status ABORTED = Code.ABORTED.toStatus();
    /** {@link Code#OUT_OF_RANGE} without description. */
    public static final Status OUT_OF_RANGE = Code.OUT_OF_RANGE.toStatus();
    /** {@link Code#UNIMPLEMENTED} without description. */
    public static final Status UNIMPLEMENTED = Code.UNIMPLEMENTED.toStatus();
    /** {@link Code#INTERNAL} without description. */
    public static final Status INTERNAL = Code.INTERNAL.toStatus();
    /** {@link Code#UNAVAILABLE} without description. */
    public static final Status UNAVAILABLE = Code.UNAVAILABLE.toStatus();
    /** {@link Code#DATA_LOSS} without description. */
    public static final Status DATA_LOSS = Code.DATA_LOSS.toStatus();
    /** {@link Code#UNAUTHENTICATED} without description. */
    public static final Status UNAUTHENTICATED = Code.UNAUTHENTICATED.toStatus();

    private final Code code;
    private final @Nullable String description;
    private final @Nullable Throwable cause;

    private Status(Code code, @Nullable String description, @Nullable Throwable cause) {
        this.code = code;
        this.description = description;
        this.cause = cause;
    }

    /** The status of a code number received from a peer; unknown numbers map to {@link Code#UNKNOWN}. */
    public static Status fromCodeValue(int value) {
        return Code.fromValue(value).toStatus();
    }

    /**
     * The status that describes a throwable: the status of an {@link RpcException}, otherwise {@link Code#UNKNOWN}
     * described by the throwable's message (never its stack trace), with the throwable as local cause.
     */
    public static Status fromThrowable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RpcException e) {
                return e.status();
            }
        }
        String message = t.getMessage();
        return UNKNOWN.withDescription(message != null ? message : t.getClass().getSimpleName())
                .withCause(t);
    }

    /** The code. */
    public Code code() {
        return code;
    }

    /** The description, or {@code null} if there is none. */
    public @Nullable String description() {
        return description;
    }

    /** The local cause, never sent to the peer; {@code null} if there is none. */
    public @Nullable Throwable cause() {
        return cause;
    }

    /** Whether the code is {@link Code#OK}. */
    public boolean isOk() {
        return code == Code.OK;
    }

    /** A copy with another description. */
    public Status withDescription(@Nullable String newDescription) {
        return Objects.equals(description, newDescription) ? this : new Status(code, newDescription, cause);
    }

    /** A copy with another local cause. */
    public Status withCause(@Nullable Throwable newCause) {
        return cause == newCause ? this : new Status(code, description, newCause);
    }

    /** This status as an exception, without trailers. */
    public RpcException asException() {
        return new RpcException(this, new Metadata());
    }

    /** This status as an exception carrying {@code trailers}. */
    public RpcException asException(Metadata trailers) {
        return new RpcException(this, trailers);
    }

    /** Equal code and description (the cause is not compared). */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Status s && s.code == code && Objects.equals(s.description, description);
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, description);
    }

    /** {@code CODE} or {@code CODE: description}. */
    @Override
    public String toString() {
        return description == null ? code.name() : code.name() + ": " + description;
    }
}
