package dev.conduit.transport.socket.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.transport.socket.ReconnectOptions;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When to retry a dropped connection: exponential backoff with "equal jitter". Retry {@code n} (from 1) waits a delay
 * {@code d = min(maxDelay, initialDelay * 2^(n-1))} chosen at random in {@code [d/2, d]}, so that many clients cut off
 * together do not all come back in the same instant, yet none retries much sooner than planned.
 *
 * @param initialDelay delay before the first retry
 * @param maxDelay the cap on the delay
 * @param maxAttempts retries before giving up; 0 for never
 * @param queueBytes bytes of sends queued while disconnected
 */
record ReconnectPolicy(Duration initialDelay, Duration maxDelay, int maxAttempts, int queueBytes) {

    static ReconnectPolicy of(Endpoint endpoint) {
        Duration initial = endpoint.get(ReconnectOptions.INITIAL_DELAY);
        Duration max = endpoint.get(ReconnectOptions.MAX_DELAY);
        if (max.compareTo(initial) < 0) {
            throw new EndpointException("reconnect.maxDelay=" + max.toMillis() + "ms is below reconnect.initialDelay="
                    + initial.toMillis() + "ms in " + endpoint);
        }
        return new ReconnectPolicy(
                initial, max, endpoint.get(ReconnectOptions.MAX_ATTEMPTS), endpoint.get(ReconnectOptions.QUEUE));
    }

    /** Whether retry {@code attempt} (from 1) may be made. */
    boolean allows(int attempt) {
        return maxAttempts == 0 || attempt <= maxAttempts;
    }

    /** The delay before retry {@code attempt} (from 1), in nanoseconds; {@code random} gives values in [0, 1). */
    long delayNanos(int attempt, DoubleSupplier random) {
        long cap = maxDelay.toNanos();
        long d = initialDelay.toNanos();
        for (int i = 1; i < attempt && d < cap; i++) {
            d = d > cap / 2 ? cap : d * 2;
        }
        d = Math.min(d, cap);
        return d / 2 + (long) (random.getAsDouble() * (d - d / 2));
    }
}
