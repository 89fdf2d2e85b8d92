package dev.conduit.rpc.internal;

import dev.conduit.core.RuntimeScheduler;
import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A call's deadline, on either side: when it falls, and the timer on the runtime's scheduler that ends the call then.
 * Set once when the call starts; {@link #disarm} (any thread, when the call ends) stops the timer.
 */
final class CallDeadline {
    /** No deadline: never passes, has no timer. */
    static final CallDeadline NONE = new CallDeadline(false, 0);

    private final boolean set;
    private final long atNanos;
    private volatile @Nullable ScheduledFuture<?> timer;

    private CallDeadline(boolean set, long atNanos) {
        this.set = set;
        this.atNanos = atNanos;
    }

    /** A deadline {@code timeoutNanos} from now (already passed if not positive). */
    static CallDeadline in(long timeoutNanos) {
        return new CallDeadline(true, System.nanoTime() + timeoutNanos);
    }

    boolean isSet() {
        return set;
    }

    /** Nanoseconds left, negative once passed; meaningful only if {@link #isSet()}. */
    long remainingNanos() {
        return atNanos - System.nanoTime();
    }

    /** DEADLINE_EXCEEDED for a deadline of {@code timeout}; {@code waiting}, if any, says why no connection came. */
    static Status exceeded(Duration timeout, @Nullable String waiting) {
        return Status.DEADLINE_EXCEEDED.withDescription("deadline of " + timeout.toMillis() + " ms exceeded"
                + (waiting == null ? "" : " while waiting for a connection; " + waiting));
    }

    /**
     * A status the server ended the call with, as the client reports it: a CANCELLED that arrives once the deadline
     * has passed is the server noticing the deadline (gRPC servers reset the stream), so it reads as
     * DEADLINE_EXCEEDED, as gRPC's protocol advises.
     */
    Status seenFromServer(Status s) {
        if (s.code() == Status.Code.CANCELLED && hasPassed()) {
            return Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded (the server cancelled the call)");
        }
        return s;
    }

    boolean hasPassed() {
        return set && remainingNanos() <= 0;
    }

    /** Runs {@code onPassed} on the scheduler's timer when the deadline passes, unless {@link #disarm}ed first. */
    void arm(RuntimeScheduler scheduler, Runnable onPassed) {
        if (set) {
            timer = scheduler.schedule(onPassed, remainingNanos(), TimeUnit.NANOSECONDS);
        }
    }

    void disarm() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
