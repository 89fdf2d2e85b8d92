package dev.conduit.rpc.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * gRFC A6's retry throttling for one channel: a bucket of tokens, full at the start, that every failed attempt
 * (a retryable status) drains by one and every successful call refills by the ratio. Retries stop while the bucket
 * holds no more than half its size, so a struggling fleet is not hit with a multiple of its load. Lock-free; kept in
 * thousandths of a token, as the ratio has three decimal places.
 */
final class RetryThrottle {
    private final int max;
    private final int ratio;
    private final AtomicInteger tokens;

    RetryThrottle(ServiceConfig.Throttling t) {
        this.max = t.maxTokens() * 1000;
        this.ratio = (int) Math.round(t.tokenRatio() * 1000);
        this.tokens = new AtomicInteger(max);
    }

    /** An attempt failed with a retryable status: one token fewer. Returns whether a retry is still allowed. */
    boolean onFailure() {
        int now = tokens.updateAndGet(t -> Math.max(0, t - 1000));
        return now > max / 2;
    }

    /** A call succeeded: the ratio back, up to the bucket's size. */
    void onSuccess() {
        tokens.updateAndGet(t -> Math.min(max, t + ratio));
    }

    /** Tokens left, in thousandths; for tests and diagnostics. */
    int milliTokens() {
        return tokens.get();
    }
}
