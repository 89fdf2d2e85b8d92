package dev.conduit.rpc.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of requests a channel keeps for retries, across its calls: a call that cannot keep a request within its
 * own limit or the channel's commits to its current attempt (it will not be retried), so retries never hold more
 * than this much memory. Lock-free. The limits are grpc-java's: 1 MiB per call, 16 MiB per channel.
 */
final class RetryBudget {
    static final long PER_CALL_BYTES = 1L << 20;
    static final long PER_CHANNEL_BYTES = 16L << 20;

    private final AtomicLong used = new AtomicLong();

    /** Takes {@code bytes} from the channel's budget; false (taking nothing) if it would pass the limit. */
    boolean reserve(long bytes) {
        long now = used.addAndGet(bytes);
        if (now > PER_CHANNEL_BYTES) {
            used.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    void release(long bytes) {
        if (bytes != 0) {
            used.addAndGet(-bytes);
        }
    }

    /** Bytes kept now, across the channel; for tests. */
    long used() {
        return used.get();
    }
}
