package dev.conduit.rpc;

import dev.conduit.core.Endpoint;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One call from the server's side, at the lowest level: what {@link ServiceDefinition} adapts observer-style
 * handlers to, and what {@link ServerInterceptor}s wrap.
 *
 * <p>The runtime calls the {@link Listener} returned by the {@link ServerCallHandler}: {@link Listener#onMessage} for
 * each request {@linkplain #request requested}, {@link Listener#onHalfClose} when the client has sent everything,
 * then {@link Listener#onComplete} after {@link #close} or {@link Listener#onCancel} if the call was cancelled (by the
 * client, its deadline, or its connection closing).
 *
 * <p>Threading: listener callbacks for one call run one at a time on the server's executor. The call's methods are
 * not thread-safe, except {@link #isCancelled()}, {@link #isReady()} and {@link #timeRemaining()}. {@link
 * #sendMessage} may block while the client grants no credit, except on a transport thread (direct executor), where
 * it queues instead.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public abstract class ServerCall<Req, Resp> {

    /**
     * Receives a server call's events, one at a time, on the server's executor.
     *
     * @param <T> the request type
     */
    public abstract static class Listener<T> {
        /** One request message. Credit for more is returned to the client when this returns. */
        public void onMessage(T message) {}

        /** The client will send no more requests. */
        public void onHalfClose() {}

        /** The call was cancelled: by the client, by its deadline, or because the client's connection closed. */
        public void onCancel() {}

        /** The call ended after {@link ServerCall#close} and its status was handed to the transport. */
        public void onComplete() {}

        /** Responses can be sent again without waiting for credit. */
        public void onReady() {}
    }

    /** The method being called. */
    public abstract MethodDescriptor<Req, Resp> method();

    /** Asks for {@code count} more request messages to be delivered to the listener. */
    public abstract void request(int count);

    /**
     * Sends a response. Throws an {@link RpcException} if the call was cancelled; may block for flow-control credit
     * (see the class comment).
     */
    public abstract void sendMessage(Resp message);

    /** Ends the call with {@code status} and {@code trailers}. Later calls are ignored. */
    public abstract void close(Status status, Metadata trailers);

    /** Whether the call was cancelled. Thread-safe. */
    public abstract boolean isCancelled();

    /** Whether a response can be sent now without waiting for credit. Thread-safe. */
    public abstract boolean isReady();

    /** The time left before the client's deadline, or {@code null} if the client set none. Thread-safe. */
    public abstract @Nullable Duration timeRemaining();

    /** The client's endpoint as this server sees it. */
    public abstract Endpoint remoteEndpoint();
}
