package dev.conduit.rpc.internal;

import dev.conduit.rpc.Status;

/**
 * What carries a client channel's calls to one endpoint: a Conduit connection ({@link ClientConnection}) or an
 * HTTP/2 connection (the gRPC carrier). A client call speaks {@link Frame}s to it. Thread-safe.
 */
public interface ClientCarrier {

    /** Registers a call and returns its id; 0 if the carrier takes no more calls (then nothing is registered). */
    int register(CarriedCall call);

    /** Forgets call {@code id}, which has ended. */
    void remove(int id);

    /**
     * Writes a frame of call {@link Frame#callId()}: CALL_START, MESSAGE, HALF_CLOSE, CANCEL or WINDOW_UPDATE. Any
     * thread; frames of one call come in order. Returns false if it was not written (see {@link
     * ServerCarrier#write}).
     */
    boolean write(Frame frame);

    /** The credit, in the carrier's units, a new call may use for requests before the server grants more. */
    long initialSendCredit();

    /** The largest request the server accepts, in bytes. */
    int peerMaxMessageSize();

    /** Whether new calls may use this carrier. */
    boolean acceptsCalls();

    /** Closes gracefully: takes no new calls, closes once the calls in flight have ended. */
    void drain();

    /** Fails every call with {@code status} and closes. */
    void cancelAll(Status status);

    /** Calls in flight. */
    int activeCalls();

    /**
     * Reads, on the calling thread, frames that have already arrived, if the carrier's transport allows it (see
     * {@link dev.conduit.core.Channel#deliverHere()}); returns whether it delivered any. For a blocking call waiting
     * for its response. Never from a thread that is delivering frames.
     */
    default boolean deliverHere() {
        return false;
    }

    /** The waiting thread is about to sleep: the transport's own thread reads again. */
    default void stopDeliveringHere() {}
}
