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
        return CurrentCall.get();
    }
}
