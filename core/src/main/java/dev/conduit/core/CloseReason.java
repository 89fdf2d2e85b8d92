package dev.conduit.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Why a channel closed: locally, by the peer, or because of an error (and which).
 *
 * @param kind who or what closed the channel
 * @param detail a human-readable detail, for example a child process's exit code; may be null
 * @param error the error that closed the channel; non-null exactly when {@code kind} is {@link Kind#ERROR}
 */
public record CloseReason(
        Kind kind, @Nullable String detail, @Nullable Throwable error) {

    /** Who or what closed a channel. */
    public enum Kind {
        /** This side called {@code close()}, or closed the listener or runtime that owned the channel. */
        LOCAL,
        /** The peer closed the connection in an orderly way. */
        PEER,
        /** An error closed the channel: I/O failure, a corrupt or oversized frame, a codec or handler failure. */
        ERROR
    }

    /** The reason of a channel closed locally. */
    public static final CloseReason LOCAL = new CloseReason(Kind.LOCAL, null, null);

    /** The reason of a channel closed by its peer. */
    public static final CloseReason PEER = new CloseReason(Kind.PEER, null, null);

    /** Validates the components. */
    public CloseReason {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.ERROR) != (error != null)) {
            throw new IllegalArgumentException("an error is required for, and only for, Kind.ERROR");
        }
    }

    /** A reason of kind {@link Kind#ERROR}. */
    public static CloseReason error(Throwable error) {
        return new CloseReason(Kind.ERROR, null, error);
    }

    /** A reason of kind {@link Kind#PEER} with a detail, for example {@code "child exited with code 3"}. */
    public static CloseReason peer(String detail) {
        return new CloseReason(Kind.PEER, detail, null);
    }

    /**
     * The peer closed the channel because it refused what this side sent; {@code why} is the peer's own words, for
     * example {@code "frame of 2048 bytes exceeds the limit of 1024 bytes (maxFrame=1024)"}. Transports that can
     * carry it (inproc, shm) report this; plain byte streams cannot (see {@link #MAY_HAVE_REFUSED}).
     */
    public static CloseReason refusedByPeer(String why) {
        return new CloseReason(Kind.PEER, "the peer refused what this side sent: " + why, null);
    }

    /**
     * The detail of an I/O error that closed a byte-stream channel (tcp, unix, fifo, pipe): a peer that refuses a
     * frame over its {@code maxFrame} just closes the stream, which this side sees as such an error.
     */
    public static final String MAY_HAVE_REFUSED = "the peer may have refused a frame over its maxFrame";

    @Override
    public String toString() {
        String text = switch (kind) {
            case LOCAL -> "closed locally";
            case PEER -> "closed by peer";
            case ERROR -> "closed on error: " + error;
        };
        return detail == null ? text : text + " (" + detail + ")";
    }
}
