package dev.conduit.transport.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The sending half of a session on its own, publishing into a list: frames sent while a thread delivers a NATS
 * message leave together when the delivery returns (or when a message is full, or the ticker comes by), in order,
 * numbered without a gap, and never beyond the peer's credit.
 */
class OutboundTest {
    private static final String PEER = "_INBOX.peer.1";

    private final List<byte[]> published = new ArrayList<>();
    private long grant = 1 << 20;

    private Outbound outbound(int maxChunk, long peerGrant) {
        Outbound out = new Outbound(
                (subject, replyTo, body) -> {
                    assertThat(subject).isEqualTo(PEER);
                    published.add(body);
                    return true;
                },
                () -> grant,
                maxChunk);
        out.open(PEER, peerGrant, null, null);
        return out;
    }

    @Test
    void framesSentWhileDeliveringLeaveAsOneMessageWhenTheDeliveryReturns() {
        Outbound out = outbound(64 << 10, 1 << 20);
        HeldWrites delivering = HeldWrites.begin();
        try {
            for (int i = 0; i < 100; i++) {
                assertThat(out.writeNow(frame(i, 64))).as("frame %d taken", i).isTrue();
            }
            assertThat(published).as("published while the delivery runs").isEmpty();
        } finally {
            delivering.end();
        }
        assertThat(published).hasSize(1);
        assertThat(Wire.seq(published.get(0))).isEqualTo(1);
        assertThat(Wire.grant(published.get(0))).isEqualTo(grant);
        assertThat(records(published)).containsExactlyElementsOf(range(100));
    }

    @Test
    void framesSentOutsideADeliveryLeaveAtOnce() {
        Outbound out = outbound(64 << 10, 1 << 20);
        for (int i = 0; i < 3; i++) {
            assertThat(out.writeNow(frame(i, 64))).isTrue();
            assertThat(published).as("published after frame %d", i).hasSize(i + 1);
        }
        assertThat(published).extracting(Wire::seq).containsExactly(1L, 2L, 3L);
        assertThat(records(published)).containsExactlyElementsOf(range(3));
    }

    @Test
    void aFullMessageLeavesWithoutWaitingForTheDeliveryToReturn() {
        Outbound out = outbound(1024, 1 << 20);
        HeldWrites delivering = HeldWrites.begin();
        try {
            for (int i = 0; i < 100; i++) {
                out.writeNow(frame(i, 60));
            }
            // 64 bytes a record, 16 to a 1 KiB message: six are full, the seventh waits for the delivery's end.
            assertThat(published).hasSize(6);
            assertThat(published).allSatisfy(m -> assertThat(m).hasSizeLessThanOrEqualTo(Wire.HEADER + 1024));
        } finally {
            delivering.end();
        }
        assertThat(published).hasSize(7);
        assertThat(published).extracting(Wire::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(records(published)).containsExactlyElementsOf(range(100));
    }

    @Test
    void theTickerPublishesWhatADeliveryThatRunsOnHolds() {
        Outbound out = outbound(64 << 10, 1 << 20);
        HeldWrites delivering = HeldWrites.begin();
        try {
            out.writeNow(frame(0, 64));
            out.publishHeld(); // the ticker, while the handler still runs
            assertThat(published).hasSize(1);
            out.writeNow(frame(1, 64));
        } finally {
            delivering.end();
        }
        assertThat(published).extracting(Wire::seq).containsExactly(1L, 2L);
        assertThat(records(published)).containsExactlyElementsOf(range(2));
    }

    @Test
    void heldFramesStayWithinTheCreditAndTheRestWaitForMore() {
        int record = Wire.RECORD_HEADER + 64;
        Outbound out = outbound(64 << 10, 10L * record);
        List<Integer> queued = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        HeldWrites delivering = HeldWrites.begin();
        try {
            for (int i = 0; i < 15; i++) {
                ByteBuf f = frame(i, 64);
                if (out.writeNow(f)) {
                    f.release();
                } else {
                    int n = i;
                    out.write(f, e -> {
                        failure.compareAndSet(null, e);
                        queued.add(n);
                    });
                }
            }
        } finally {
            delivering.end();
        }
        assertThat(records(published)).as("sent on the first grant").containsExactlyElementsOf(range(10));
        assertThat(queued).as("taken while the credit was used up").isEmpty();

        out.granted(20L * record);
        assertThat(queued).containsExactly(10, 11, 12, 13, 14);
        assertThat(failure.get()).isNull();
        assertThat(records(published)).containsExactlyElementsOf(range(15));
        assertThat(published).extracting(Wire::seq).containsExactly(1L, 2L);
    }

    @Test
    void aCloseSendsWhatIsHeldBeforeItsCloseMessage() {
        Outbound out = outbound(64 << 10, 1 << 20);
        HeldWrites delivering = HeldWrites.begin();
        try {
            out.writeNow(frame(0, 64));
            out.close(false, "done", new IllegalStateException("closed"));
        } finally {
            delivering.end();
        }
        assertThat(published).extracting(m -> m[0]).containsExactly(Wire.DATA, Wire.CLOSE);
        assertThat(Wire.seq(published.get(1)))
                .as("the CLOSE carries the last number sent")
                .isEqualTo(1);
        assertThat(out.writeNow(frame(1, 64)))
                .as("nothing is taken after the close")
                .isFalse();
    }

    private static ByteBuf frame(int n, int size) {
        return Unpooled.buffer(size).writeInt(n).writeZero(size - 4);
    }

    private static List<Integer> range(int n) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }

    /** The first int of every frame of the DATA messages, in order. */
    private static List<Integer> records(List<byte[]> messages) {
        List<Integer> numbers = new ArrayList<>();
        for (byte[] m : messages) {
            assertThat(m[0]).isEqualTo(Wire.DATA);
            ByteBuffer b = ByteBuffer.wrap(m, Wire.HEADER, m.length - Wire.HEADER);
            while (b.hasRemaining()) {
                int size = b.getInt();
                numbers.add(b.getInt(b.position()));
                b.position(b.position() + size);
            }
        }
        return numbers;
    }
}
