package dev.conduit.core.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * The traffic totals of one runtime's channels over one transport, made only when the runtime has a {@link
 * dev.conduit.core.ChannelMetrics} hook. Threads: any, concurrently; {@link LongAdder} keeps senders on different
 * channels from contending on one cache line.
 */
public final class TrafficCounters {
    private final String transport;
    private final LongAdder sentBytes = new LongAdder();
    private final LongAdder sentMessages = new LongAdder();
    private final LongAdder receivedBytes = new LongAdder();
    private final LongAdder receivedMessages = new LongAdder();

    TrafficCounters(String transport) {
        this.transport = transport;
    }

    public String transport() {
        return transport;
    }

    void sent(int bytes) {
        sentBytes.add(bytes);
        sentMessages.increment();
    }

    /** Takes back a {@link #sent} for a message that was refused after all (the send window was full). */
    void unsent(int bytes) {
        sentBytes.add(-bytes);
        sentMessages.decrement();
    }

    void received(int bytes) {
        receivedBytes.add(bytes);
        receivedMessages.increment();
    }

    dev.conduit.core.ChannelTraffic snapshot(long pendingBytes) {
        return new dev.conduit.core.ChannelTraffic(
                transport,
                sentBytes.sum(),
                sentMessages.sum(),
                receivedBytes.sum(),
                receivedMessages.sum(),
                pendingBytes);
    }
}
