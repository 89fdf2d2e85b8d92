package dev.conduit.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.FramingException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ring on its own: records, padding at the wrap, fragments, full rings, zeroing and corrupt headers. */
class RingTest {
    private static final int CAPACITY = 4096;
    private final ByteBuffer memory =
            ByteBuffer.allocateDirect(RingDescriptor.ringLength(CAPACITY)).order(ByteOrder.nativeOrder());
    private final RingWriter writer = new RingWriter(memory, 0, CAPACITY);
    private final RingReader reader = new RingReader(memory, 0, CAPACITY);

    private record Rec(int type, byte[] payload) {}

    private List<Rec> drain() {
        List<Rec> out = new ArrayList<>();
        reader.poll(
                (type, payload) -> {
                    byte[] b = new byte[payload.remaining()];
                    payload.get(b);
                    out.add(new Rec(type, b));
                    return true;
                },
                Integer.MAX_VALUE);
        return out;
    }

    private static ByteBuf message(int size, int seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Unpooled.wrappedBuffer(b);
    }

    @Test
    void wholeRecordsArriveInOrderAcrossManyWrapsAndTheReaderZeroesWhatItRead() {
        for (int round = 0; round < 200; round++) {
            int size = 1 + (round * 37) % RingDescriptor.maxPayload(CAPACITY);
            ByteBuf m = message(size, round);
            assertThat(writer.write(m, 0)).isEqualTo(size);
            List<Rec> got = drain();
            assertThat(got).hasSize(1);
            assertThat(got.get(0).type()).isEqualTo(RingDescriptor.WHOLE);
            assertThat(got.get(0).payload()).isEqualTo(m.array());
            // Everything read is zeroed and given back, except the cache line that holds the end of the last record
            // (the producer may be writing the next record into it); that line is not given back yet.
            long head = memory.getLong(RingDescriptor.HEAD_OFFSET);
            long tail = memory.getLong(RingDescriptor.TAIL_OFFSET);
            assertThat(head % 64).as("head on a cache-line boundary").isZero();
            assertThat(tail - head).as("read but not given back").isBetween(0L, 63L);
            for (int i = 0; i < CAPACITY; i += 4) {
                boolean held = Math.floorMod(i - head, CAPACITY) < 64;
                if (!held) {
                    assertThat(memory.getInt(RingDescriptor.META_LENGTH + i))
                            .as("data word at %d after a read (head %d, tail %d)", i, head, tail)
                            .isZero();
                }
            }
        }
    }

    @Test
    void theLineTheReaderHoldsBackNeverKeepsTheLargestRecordOut() {
        int largest = RingDescriptor.maxPayload(CAPACITY);
        for (int round = 0; round < 100; round++) {
            // Records that end mid-line, until the ring is full; then everything is read.
            int small = 1 + round % 61;
            int fitted = 0;
            while (writer.write(message(small, fitted), 0) == small) {
                fitted++;
            }
            assertThat(drain()).hasSize(fitted);
            assertThat(memory.getLong(RingDescriptor.TAIL_OFFSET) - memory.getLong(RingDescriptor.HEAD_OFFSET))
                    .isLessThan(64);
            // With the reader caught up, the largest record (and any padding before it) fits at once.
            assertThat(writer.write(message(largest, round), 0)).isEqualTo(largest);
            List<Rec> got = drain();
            assertThat(got).hasSize(1);
            assertThat(got.get(0).payload()).isEqualTo(message(largest, round).array());
        }
    }

    @Test
    void aFullRingRefusesAWholeRecordUntilTheReaderFreesSpace() {
        int size = RingDescriptor.maxPayload(CAPACITY);
        int fitted = 0;
        while (writer.write(message(size, fitted), 0) == size) {
            fitted++;
        }
        assertThat(fitted).isEqualTo(CAPACITY / RingDescriptor.align(size + RingDescriptor.HEADER_LENGTH));
        assertThat(drain()).hasSize(fitted);
        assertThat(writer.write(message(size, 99), 0)).isEqualTo(size);
    }

    @Test
    void aMessageLargerThanTheRingTravelsInFragmentsAsSpaceFrees() {
        ByteBuf big = message(50_000, 7);
        ByteBuf assembled = Unpooled.buffer();
        int offset = 0;
        List<Integer> types = new ArrayList<>();
        while (offset < big.readableBytes()) {
            int next = writer.write(big, offset);
            assertThat(next).as("progress into an empty ring").isGreaterThan(offset);
            offset = next;
            for (Rec r : drain()) {
                types.add(r.type());
                int skip = r.type() == RingDescriptor.FIRST ? RingDescriptor.FIRST_PREFIX : 0;
                if (skip != 0) {
                    assertThat(ByteBuffer.wrap(r.payload()).getInt()).isEqualTo(50_000);
                }
                assembled.writeBytes(r.payload(), skip, r.payload().length - skip);
            }
        }
        assertThat(types.get(0)).isEqualTo(RingDescriptor.FIRST);
        assertThat(types.get(types.size() - 1)).isEqualTo(RingDescriptor.LAST);
        assertThat(types.subList(1, types.size() - 1)).containsOnly(RingDescriptor.MIDDLE);
        assertThat(assembled).isEqualTo(big);
    }

    @Test
    void aRingWhoseHeadIsNotAlignedIsAFramingErrorNotAMisalignedAccess() {
        memory.putLong(RingDescriptor.HEAD_OFFSET, 3);
        assertThatThrownBy(() -> new RingReader(memory, 0, CAPACITY))
                .isInstanceOf(FramingException.class)
                .hasMessageContaining("corrupt shared-memory record at position 3")
                .hasMessageContaining("not 8-byte aligned");
    }

    @Test
    void corruptHeadersAreProtocolErrorsNotReadsOutOfBounds() {
        int data = RingDescriptor.META_LENGTH;
        for (int badLength :
                new int[] {3, -8, CAPACITY + 8, Integer.MAX_VALUE, RingDescriptor.maxPayload(CAPACITY) + 16}) {
            memory.putInt(data + RingDescriptor.TYPE_FIELD, RingDescriptor.WHOLE);
            memory.putInt(data, badLength);
            RingReader fresh = new RingReader(memory, 0, CAPACITY);
            assertThatThrownBy(() -> fresh.poll((t, p) -> true, Integer.MAX_VALUE))
                    .isInstanceOf(FramingException.class)
                    .hasMessageContaining("corrupt");
        }
        memory.putInt(data + RingDescriptor.TYPE_FIELD, RingDescriptor.PADDING);
        memory.putInt(data, 64);
        RingReader fresh = new RingReader(memory, 0, CAPACITY);
        assertThatThrownBy(() -> fresh.poll((t, p) -> true, Integer.MAX_VALUE))
                .isInstanceOf(FramingException.class)
                .hasMessageContaining("padding");
    }

    /**
     * A record that ends beyond the space the writer was given (which an honest writer never claims) is corrupt: it
     * would cover bytes the reader has read but not zeroed yet, and zeroing it would run past the ring.
     */
    @Test
    void aRecordBeyondTheWritersSpaceIsCorrupt() {
        int data = RingDescriptor.META_LENGTH;
        assertThat(writer.write(message(56, 1), 0)).isEqualTo(56); // 64 bytes: a whole line, zeroed and released
        assertThat(writer.write(message(32, 2), 0)).isEqualTo(32); // 40 more: read, but its line is held back
        assertThat(drain()).hasSize(2);
        assertThat(memory.getLong(RingDescriptor.HEAD_OFFSET)).isEqualTo(64);
        // By hand: padding from 104 to the end of the ring, then a record at the start of the next lap that runs
        // past head + capacity (64 + 4096), over the held-back bytes at 64..104.
        memory.putInt(data + 104 + RingDescriptor.TYPE_FIELD, RingDescriptor.PADDING);
        memory.putInt(data + 104, CAPACITY - 104);
        memory.putInt(data + RingDescriptor.TYPE_FIELD, RingDescriptor.WHOLE);
        memory.putInt(data, RingDescriptor.HEADER_LENGTH + 96);
        assertThatThrownBy(() -> reader.poll((t, p) -> true, Integer.MAX_VALUE))
                .isInstanceOf(FramingException.class)
                .hasMessageContaining("corrupt")
                .hasMessageContaining("beyond the writer's space, which ends at 4160");
    }

    @Test
    void aProducerAndAConsumerThreadPassManyRecordsIntact() throws Exception {
        int count = 300_000;
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            ByteBuf m = Unpooled.buffer(64);
            for (int i = 0; i < count; i++) {
                m.clear().writeInt(i).writeZero(i % 60);
                while (writer.write(m, 0) < 0) {
                    Thread.onSpinWait();
                }
            }
        });
        int[] next = {0};
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (next[0] < count && System.nanoTime() < deadline) {
            reader.poll(
                    (type, payload) -> {
                        assertThat(payload.getInt(payload.position())).isEqualTo(next[0]);
                        assertThat(payload.remaining()).isEqualTo(4 + next[0] % 60);
                        next[0]++;
                        return true;
                    },
                    1 << 16);
        }
        producer.get(60, TimeUnit.SECONDS);
        assertThat(next[0]).isEqualTo(count);
    }
}
