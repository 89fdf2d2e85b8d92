package dev.conduit.rpc;

/**
 * Receives a stream of messages, then exactly one of {@link #onCompleted()} or {@link #onError(Throwable)}.
 *
 * <p>Used both ways: the runtime calls the observers you give it (responses on the client, requests on the server),
 * one call at a time per call, never concurrently; and you call the observers the runtime gives you (to send), which
 * are not thread-safe: call them from one thread at a time.
 *
 * @param <T> the message type
 */
public interface StreamObserver<T> {

    /** One message. */
    void onNext(T value);

    /**
     * The stream ended with an error. When you call it to end a call, an {@link RpcException} gives the status and
     * trailers; any other throwable ends the call with {@link Status.Code#UNKNOWN} and its message.
     */
    void onError(Throwable t);

    /** The stream ended successfully. */
    void onCompleted();
}
