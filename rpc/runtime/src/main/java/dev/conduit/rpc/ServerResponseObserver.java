package dev.conduit.rpc;

/**
 * The observer a server handler sends responses to, with the call's context and its flow-control and cancellation
 * hooks. {@link #onNext} throws an {@link RpcException} once the call is cancelled, so a streaming loop stops; it may
 * block while the client grants no credit, except on a transport thread (direct executor), where it queues instead.
 *
 * <p>Not thread-safe, like every {@link StreamObserver} you call: use it from one thread at a time. The handlers set
 * here run on the server's executor.
 *
 * @param <Resp> the response type
 */
public interface ServerResponseObserver<Resp> extends StreamObserver<Resp> {

    /** The call's context: headers, deadline, trailers. */
    ServerCallContext context();

    /** Whether the call was cancelled. */
    boolean isCancelled();

    /**
     * Runs {@code handler} once if the call is cancelled, at once on the thread that notices it, even while the
     * method handler is still running (see {@link ServerCallContext#onCancel}): quick, non-blocking work only.
     */
    void setOnCancelHandler(Runnable handler);

    /** Whether a response can be sent without waiting for credit. */
    boolean isReady();

    /** Runs {@code handler} each time the call becomes ready after having not been. */
    void setOnReadyHandler(Runnable handler);
}
