package dev.conduit.rpc;

import org.jspecify.annotations.Nullable;

/**
 * One call from the client's side, at the lowest level: what generated stubs and {@link ClientCalls} are built on,
 * and what {@link ClientInterceptor}s wrap. Created by {@link CallFactory#newCall}.
 *
 * <p>Sequence: {@link #start} once, then {@link #request} to accept responses, {@link #sendMessage} (once for unary
 * and server-streaming methods), {@link #halfClose} when done sending; {@link #cancel} at any time. The listener then
 * gets {@link Listener#onMessage} for each response requested and finally {@link Listener#onClose} exactly once.
 *
 * <p>Threading: the methods are not thread-safe; call them from one thread at a time (except {@link #cancel}, which
 * any thread may call). Listener callbacks run one at a time on the call's executor (see {@link
 * CallOptions#withExecutor}). {@link #sendMessage} may block while the server grants no flow-control credit, except
 * on a transport thread, where it queues instead; {@link #isReady()} and {@link Listener#onReady()} let callers that
 * must not block send only when credit is available.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public abstract class ClientCall<Req, Resp> {

    /**
     * Receives a call's events. Callbacks run one at a time on the call's executor.
     *
     * @param <T> the response type
     */
    public abstract static class Listener<T> {
        /**
         * The server's response headers (gRPC's initial metadata), before the first response. Only {@code grpc://}
         * has them; Conduit's own protocol sends what a handler put there with the trailers instead.
         */
        public void onHeaders(Metadata headers) {}

        /** One response message. Credit for more is returned to the server when this returns. */
        public void onMessage(T message) {}

        /** The call ended: {@link Status#OK} or an error, with the server's trailers (empty for local failures). */
        public void onClose(Status status, Metadata trailers) {}

        /** The call can send again without waiting for credit. */
        public void onReady() {}
    }

    /**
     * Starts the call; {@code headers} are sent to the server, followed by the call options' headers. The call takes
     * {@code headers}: do not change them afterwards. Call once.
     */
    public abstract void start(Listener<Resp> listener, Metadata headers);

    /** Asks for {@code count} more response messages to be delivered to the listener. */
    public abstract void request(int count);

    /**
     * Sends a request. Blocks while the server has granted no credit for this call (never on a transport thread),
     * and throws an {@link RpcException} if the call ends while waiting.
     */
    public abstract void sendMessage(Req message);

    /** No more requests will be sent. */
    public abstract void halfClose();

    /**
     * Cancels the call if it has not ended: the server is told and the listener gets {@link Status.Code#CANCELLED}.
     * Thread-safe; idempotent.
     */
    public abstract void cancel(@Nullable String message, @Nullable Throwable cause);

    /** Whether a request can be sent now without waiting for flow-control credit. */
    public abstract boolean isReady();

    /**
     * Whether the requests sent from now on are compressed, when the call uses an encoding ({@link
     * CallOptions#withCompression}); default true. Only {@code grpc://} compresses.
     */
    public void setMessageCompression(boolean compress) {}
}
