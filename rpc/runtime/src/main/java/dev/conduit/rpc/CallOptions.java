package dev.conduit.rpc;

import dev.conduit.rpc.internal.MessageEncoding;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Per-call settings: a timeout (the deadline is the call's start plus the timeout), request headers, wait-for-ready,
 * and the executor for the call's callbacks. Immutable; the {@code with*} methods return copies, so one instance can
 * be kept in a constant and shared between threads.
 *
 * <pre>{@code
 * CallOptions options = CallOptions.DEFAULT
 *         .withTimeout(Duration.ofMillis(250))
 *         .withHeaders(Metadata.of("authorization", "Bearer " + token));
 * }</pre>
 */
public final class CallOptions {
    /** No timeout, no headers, fail fast, the channel's executor. */
    public static final CallOptions DEFAULT = new CallOptions(null, null, false, null, null);

    private final @Nullable Duration timeout;
    private final @Nullable Metadata headers;
    private final boolean waitForReady;
    private final @Nullable Executor executor;
    private final @Nullable String compression;

    private CallOptions(
            @Nullable Duration timeout,
            @Nullable Metadata headers,
            boolean waitForReady,
            @Nullable Executor executor,
            @Nullable String compression) {
        this.timeout = timeout;
        this.headers = headers;
        this.waitForReady = waitForReady;
        this.executor = executor;
        this.compression = compression;
    }

    /**
     * A copy with a timeout: the call fails with {@link Status.Code#DEADLINE_EXCEEDED} on both sides if it has not
     * completed within {@code timeout} of its start. The server sees the remaining time.
     */
    public CallOptions withTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout is negative: " + timeout);
        }
        return new CallOptions(timeout, headers, waitForReady, executor, compression);
    }

    /** A copy without a timeout. */
    public CallOptions withoutTimeout() {
        return new CallOptions(null, headers, waitForReady, executor, compression);
    }

    /** A copy with request headers (copied); they are added after any headers given to {@code ClientCall.start}. */
    public CallOptions withHeaders(Metadata headers) {
        return new CallOptions(timeout, headers.copy(), waitForReady, executor, compression);
    }

    /**
     * A copy that waits for a connection instead of failing fast: while no endpoint is reachable the call waits (up
     * to its deadline, if any) rather than failing at once with {@link Status.Code#UNAVAILABLE}.
     */
    public CallOptions withWaitForReady() {
        return new CallOptions(timeout, headers, true, executor, compression);
    }

    /**
     * A copy whose callbacks (listener and observer calls) run on {@code executor}, one at a time per call. {@link
     * dev.conduit.core.Channel#DIRECT} (or any {@code Runnable::run}) runs them on the transport's thread: lowest
     * latency, for callbacks that never block; with {@code Channel.DIRECT} itself a call also skips its callback
     * queue whenever no other callback of the call is running.
     */
    public CallOptions withExecutor(Executor executor) {
        return new CallOptions(timeout, headers, waitForReady, Objects.requireNonNull(executor), compression);
    }

    /**
     * A copy whose requests are compressed with {@code encoding}: {@code gzip}, or {@code identity} for none (the
     * default). Only {@code grpc://} compresses (per message, as gRPC does); Conduit's own transports ignore it.
     *
     * @throws IllegalArgumentException if the encoding is not supported
     */
    public CallOptions withCompression(String encoding) {
        String e = MessageEncoding.check(encoding);
        return new CallOptions(timeout, headers, waitForReady, executor, e.equals(MessageEncoding.IDENTITY) ? null : e);
    }

    /** The message encoding of requests, or {@code null} for none. */
    public @Nullable String compression() {
        return compression;
    }

    /** The timeout, or {@code null} for none. */
    public @Nullable Duration timeout() {
        return timeout;
    }

    /** The request headers, or {@code null} for none. Do not modify the returned object. */
    public @Nullable Metadata headers() {
        return headers;
    }

    /** Whether the call waits for a connection instead of failing fast. */
    public boolean isWaitForReady() {
        return waitForReady;
    }

    /** The callback executor, or {@code null} for the channel's default. */
    public @Nullable Executor executor() {
        return executor;
    }

    @Override
    public String toString() {
        return "CallOptions{timeout=" + timeout + ", headers=" + headers + ", waitForReady=" + waitForReady
                + (compression != null ? ", compression=" + compression : "") + "}";
    }
}
