package dev.conduit.rpc.internal;

import dev.conduit.core.Endpoint;
import java.util.concurrent.Executor;

/**
 * What carries the server calls of one connection: Conduit's protocol on a channel ({@link ServerConnection}) or an
 * HTTP/2 connection (the gRPC carrier). A server call speaks {@link Frame}s to its carrier and nothing else, so the
 * same call, handlers, interceptors, deadlines and flow control serve both. Thread-safe.
 */
public interface ServerCarrier {

    /** The server's settings. */
    RpcConfig config();

    /** Where handlers run. */
    Executor executor();

    /** The credit, in the carrier's units, a new call may use for responses before the client grants more. */
    long initialSendCredit();

    /** The largest response the client accepts, in bytes. */
    int peerMaxMessageSize();

    /**
     * Writes a frame of call {@link Frame#callId()}: MESSAGE, CALL_END or WINDOW_UPDATE. Any thread; frames of one
     * call come in order. Returns false if it was not written: the connection is gone (its close ends the call), or
     * the frame could not be encoded, in which case the carrier has told the call through {@link
     * CarriedCall#sendFailed}.
     */
    boolean write(Frame frame);

    /** The call has ended; called once per call, before its last frame is written. */
    void callEnded(int callId);

    /** The last frame of an ended call has been written or dropped; called once per call after {@link #callEnded}. */
    default void endWritten() {}

    /** The client's endpoint. */
    Endpoint remoteEndpoint();

    /**
     * Whether response headers travel apart from the trailers (HTTP/2). If not (Conduit's protocol), a call sends the
     * headers its handler set together with its trailers.
     */
    boolean sendsResponseHeaders();
}
