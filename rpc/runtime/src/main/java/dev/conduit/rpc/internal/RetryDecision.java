package dev.conduit.rpc.internal;

import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Whether, and after how long, a failed attempt of a call is tried again (gRFC A6): once at once if it never reached a
 * server (transparent retry); else after a randomized exponential backoff or the server's pushback, if the method's
 * retry policy lists the status, the throttle allows and attempts are left. Holds the call's backoff between attempts.
 *
 * <p>Made by {@link RetryingCall} when an attempt first fails, so a call that never fails never makes one. Not
 * thread-safe: used under the call's monitor.
 */
final class RetryDecision {
    static final String PUSHBACK = "grpc-retry-pushback-ms";

    private final ServiceConfig.@Nullable RetryPolicy policy;
    private final @Nullable RetryThrottle throttle;
    private long backoffNanos;
    private boolean transparentUsed;
    private boolean transparent;
    private @Nullable Status lastFailure;

    RetryDecision(ServiceConfig.@Nullable RetryPolicy policy, @Nullable RetryThrottle throttle) {
        this.policy = policy;
        this.throttle = throttle;
        this.backoffNanos = policy == null ? 0 : policy.initialBackoffNanos();
    }

    /**
     * Nanoseconds to wait before the next attempt, or -1 to end the call with {@code status}.
     *
     * @param neverProcessed the attempt surely never reached the server's application
     * @param counted the attempts made so far that count against the policy's limit (not the transparent one)
     */
    long delay(Status status, Metadata trailers, boolean neverProcessed, int counted) {
        transparent = false;
        if (!transparentUsed && status.code() == Status.Code.UNAVAILABLE && neverProcessed) {
            transparentUsed = true;
            transparent = true;
            return 0;
        }
        ServiceConfig.RetryPolicy p = policy;
        if (p == null || !p.retryableCodes().contains(status.code())) {
            return -1;
        }
        boolean allowed = throttle == null || throttle.onFailure();
        String pushback = trailers.get(PUSHBACK);
        if (!allowed || counted >= p.maxAttempts()) {
            return -1;
        }
        if (pushback != null) {
            long ms = pushbackMillis(pushback);
            backoffNanos = p.initialBackoffNanos();
            return ms < 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(ms);
        }
        long delay = (long) (ThreadLocalRandom.current().nextDouble() * backoffNanos);
        backoffNanos = (long) Math.min(backoffNanos * p.backoffMultiplier(), p.maxBackoffNanos());
        return delay;
    }

    /** Whether the retry the last {@link #delay} allowed is the transparent one. */
    boolean transparent() {
        return transparent;
    }

    /** Records the status of the attempt a retry follows, for the message if the deadline ends the call. */
    void failed(Status status) {
        lastFailure = status;
    }

    /** How the call ends when its deadline passes while a retry waits, after {@code attempts} attempts. */
    Status deadlinePassed(Duration timeout, int attempts) {
        Status s = lastFailure;
        String last = s == null ? "nothing" : s.code() + (s.description() == null ? "" : ": " + s.description());
        return Status.DEADLINE_EXCEEDED.withDescription("deadline of " + timeout.toMillis() + " ms exceeded after "
                + attempts + " attempts; the last failed with " + last);
    }

    /** How the call ends when the runtime closes before a waiting retry starts: as the last attempt failed. */
    Status runtimeClosing() {
        Status last = Objects.requireNonNull(lastFailure);
        return last.withDescription(last.description() + " (no retry: the runtime is closing)");
    }

    /** The server's pushback: a delay in ms, or -1 (negative or not a number: the server asks for no retry). */
    private static long pushbackMillis(String value) {
        try {
            long ms = Long.parseLong(value.trim());
            return ms < 0 ? -1 : ms;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
