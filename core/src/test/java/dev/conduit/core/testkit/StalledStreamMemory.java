package dev.conduit.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelOptions;
import dev.conduit.core.Conduit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What both ends of a stream to a stalled consumer hold, measured, for the suite's backpressure test. With the
 * default options a sender holds at most {@code highWater} (plus the message that crossed it) and a receiver at most
 * {@code receiveBuffer} (plus what one read takes in before the pause applies), whatever the sender tried to send;
 * kernel buffers in between are not process memory and are not counted.
 *
 * <p>Measured: the sender's pending bytes and the growth of its buffer pool (bytes in live buffers, direct memory
 * reserved); the receiver's decoded-but-undelivered bytes and the growth of its pool, as its agent reports them.
 * Where the peer is a relay in front of the agent (pipe, fifo), the receiver measured is the agent behind it; the
 * relay's own end is bounded the same way, by the same options.
 */
final class StalledStreamMemory {
    static final long HIGH_WATER = ChannelOptions.HIGH_WATER.defaultValue();
    static final long RECEIVE_BUFFER = ChannelOptions.RECEIVE_BUFFER.defaultValue();
    /** Room for what a transport takes in at once before a pause applies: one socket read, a ring's batch. */
    static final long READ_SLACK = 256 << 10;
    /**
     * Room for buffers a pool keeps beside the stream's own: TLS records in flight and the pool's per-thread caches
     * (at most 64 buffers of each size up to 32 KiB per event loop). Bounded whatever is sent; small next to an
     * unbounded stream.
     */
    static final long POOL_SLACK = 2 << 20;

    /** One side's figures: bytes held for the stalled stream, and its runtime's pool. */
    record Side(long held, PoolMetrics pool) {
        /** The sender: its channel's pending bytes, and its runtime's pool. */
        static Side sender(Conduit runtime, Channel<byte[]> channel) {
            return new Side(channel.pendingBytes(), PoolMetrics.of(runtime));
        }

        /** The receiving agent's figures, asked over its {@code control} channel. */
        static Side receiver(Channel<byte[]> control, Duration timeout) throws InterruptedException {
            control.send("memory".getBytes(StandardCharsets.UTF_8));
            byte[] answer = control.receive(timeout);
            assertThat(answer)
                    .as("the agent's memory figures within %s", timeout)
                    .isNotNull();
            String[] w = new String(answer, StandardCharsets.UTF_8).split(" ");
            assertThat(w[0]).isEqualTo("memory");
            return new Side(Long.parseLong(w[1]), PoolMetrics.parse(w, 2));
        }
    }

    private StalledStreamMemory() {}

    /** Asserts that the stall costs each side, and both together, no more than the options allow. */
    static void assertBounded(
            int messageSize, Side senderBefore, Side senderStalled, Side receiverBefore, Side receiverStalled) {
        long sentHeld = senderStalled.held();
        long sentPool = senderStalled.pool().activeBytes() - senderBefore.pool().activeBytes();
        long receivedHeld = receiverStalled.held() - receiverBefore.held();
        long receivedPool =
                receiverStalled.pool().activeBytes() - receiverBefore.pool().activeBytes();
        String figures = String.format(
                "sender: %d pending, pool +%d bytes, direct +%d; receiver: %d undelivered, pool +%d bytes, direct +%d",
                sentHeld,
                sentPool,
                senderStalled.pool().directMemory() - senderBefore.pool().directMemory(),
                receivedHeld,
                receivedPool,
                receiverStalled.pool().directMemory() - receiverBefore.pool().directMemory());
        assertThat(sentHeld)
                .as("sender's pending bytes: highWater, and the message that crossed it; %s", figures)
                .isLessThanOrEqualTo(HIGH_WATER + messageSize + 64);
        assertThat(sentPool)
                .as("sender's pooled buffers: its pending messages, and what the pool keeps beside them; %s", figures)
                .isLessThanOrEqualTo(HIGH_WATER + POOL_SLACK);
        assertThat(receivedHeld)
                .as("receiver's decoded, undelivered bytes: receiveBuffer, and one read; %s", figures)
                .isLessThanOrEqualTo(RECEIVE_BUFFER + READ_SLACK);
        assertThat(receivedPool)
                .as("receiver's pooled buffers: reading is paused, so only what the pool keeps; %s", figures)
                .isLessThanOrEqualTo(READ_SLACK + POOL_SLACK);
        assertDirect("sender", senderBefore, senderStalled, figures);
        assertDirect("receiver", receiverBefore, receiverStalled, figures);
    }

    /** Direct memory comes in whole chunks: the bound, rounded up to chunks, and one more for where a chunk ends. */
    private static void assertDirect(String side, Side before, Side stalled, String figures) {
        long chunk = stalled.pool().chunkSize();
        long bound = HIGH_WATER + RECEIVE_BUFFER + READ_SLACK + POOL_SLACK;
        long chunks = (bound + chunk - 1) / chunk + 1;
        assertThat(stalled.pool().directMemory() - before.pool().directMemory())
                .as("%s's direct memory, in %d-byte chunks; %s", side, chunk, figures)
                .isLessThanOrEqualTo(chunks * chunk);
    }
}
