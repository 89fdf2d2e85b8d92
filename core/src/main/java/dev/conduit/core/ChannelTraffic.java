package dev.conduit.core;

/**
 * The traffic of one runtime's channels over one transport since the runtime was built, from {@link
 * Conduit#traffic()}. Counted only on a runtime built with {@link Conduit.Builder#channelMetrics}. Sizes are those
 * of the encoded messages, without the transport's framing.
 *
 * @param transport the URI scheme ({@code tcp}, {@code shm}, …)
 * @param sentBytes bytes of the messages accepted by {@code send} or {@code offer}
 * @param sentMessages messages accepted by {@code send} or {@code offer}
 * @param receivedBytes bytes of the messages received and decoded
 * @param receivedMessages messages received and decoded
 * @param pendingBytes bytes sent but not yet written by the transport, over the channels open now
 */
public record ChannelTraffic(
        String transport,
        long sentBytes,
        long sentMessages,
        long receivedBytes,
        long receivedMessages,
        long pendingBytes) {}
