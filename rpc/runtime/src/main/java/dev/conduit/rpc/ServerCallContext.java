package dev.conduit.rpc;

import dev.conduit.core.Endpoint;
import dev.conduit.rpc.internal.CurrentCall;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a server handler can know about the call it serves: the method, the request headers, the time left before the
 * client's deadline, whether it was cancelled; and the trailers it will send with the status.
 *
 * <p>Handlers get it from their {@link ServerResponseObserver#context()}, or from {@link #current()} while the
 * runtime is running one of their callbacks. Thread-safe, except {@link #responseTrailers()}, which belongs to the
 * handler.
 */
public interface ServerCallContext {

    /** The method being called. */
    MethodDescriptor<?, ?> method();

    /** The headers the client sent. Do not modify. */
    Metadata requestHeaders();

    /** Trailers to send with the call's status; add to them before ending the call. */
    Metadata responseTrailers();

    /**
     * Headers to send before the first response (gRPC's initial metadata); add to them before sending a response or
     * ending the call. Over {@code grpc://} they reach the client's {@link ClientCall.Listener#onHeaders}; Conduit's
     * own protocol has no separate response headers, so there they are sent with the trailers.
     */
    Metadata responseHeaders();

    /**
     * Asks for responses compressed with {@code encoding} ({@code gzip} or {@code identity}), if the client accepts
     * it; call before the first response. Only {@code grpc://} compresses; Conduit's own transports ignore it.
     *
     * @throws IllegalArgumentException if the encoding is not supported
     */
    void setResponseCompression(String encoding);

    /** Whether the responses sent from now on are compressed, when an encoding is in use (default true). */
    void setMessageCompression(boolean compress);

    /** Whether the request most recently delivered to the handler arrived compressed ({@code grpc://} only). */
    boolean isRequestCompressed();

    /** The time left before the client's deadline, or {@code null} if the client set none. */
    @Nullable
    Duration timeRemaining();

    /** Whether the call was cancelled: by the client, its deadline, or a lost connection. */
    boolean isCancelled();

    /** The client's endpoint as this server sees it. */
    Endpoint remoteEndpoint();

    /**
     * Runs {@code action} once if the call is cancelled (at once if it already is). It runs on the thread that
     * notices the cancellation (a transport or timer thread), possibly while a handler callback is running, so that
     * a handler blocked in its own work can be woken: it must be quick and must not block.
     */
    void onCancel(Runnable action);

    /**
     * The context of the call whose handler callback is running on this thread.
     *
     * @throws IllegalStateException if no handler callback is running on this thread
     */
    static ServerCallContext current() {
        return CurrentCall.get(ServerCallContext.class);
    }
}
