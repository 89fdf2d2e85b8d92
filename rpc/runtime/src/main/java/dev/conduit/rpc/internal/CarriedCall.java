package dev.conduit.rpc.internal;

import dev.conduit.rpc.Status;

/** A call as its carrier sees it: where received frames go, and how the carrier ends it. Thread-safe. */
public interface CarriedCall {

    /**
     * A frame for this call, on the carrier's reading thread, in order. A server call takes MESSAGE, HALF_CLOSE,
     * CANCEL and WINDOW_UPDATE; a client call HEADERS, MESSAGE, CALL_END and WINDOW_UPDATE.
     */
    void onFrame(Frame frame);

    /** Adds {@code credit} bytes, in the carrier's units, for sending messages. */
    void grant(long credit);

    /**
     * Ends the call abnormally with {@code status} (lost connection, reset stream, bad input): the application is
     * told; the peer too if {@code tellPeer}. Idempotent.
     */
    void abort(Status status, boolean tellPeer);

    /**
     * Ends the call because the server refused it unprocessed (it said GOAWAY before reaching the call, or refused its
     * stream), so a client may try it again elsewhere. A server call never gets this.
     */
    default void refused(Status status) {
        abort(status, false);
    }

    /** A frame of this call could not be encoded (too large, or its marshaller failed): the call ends with status. */
    void sendFailed(Frame frame, Status status);
}
