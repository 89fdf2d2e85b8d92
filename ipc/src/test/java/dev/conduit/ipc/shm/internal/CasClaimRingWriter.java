package dev.conduit.ipc.shm.internal;

import static dev.conduit.ipc.shm.internal.RingDescriptor.HEADER_LENGTH;
import static dev.conduit.ipc.shm.internal.RingDescriptor.HEAD_OFFSET;
import static dev.conduit.ipc.shm.internal.RingDescriptor.INT;
import static dev.conduit.ipc.shm.internal.RingDescriptor.LONG;
import static dev.conduit.ipc.shm.internal.RingDescriptor.META_LENGTH;
import static dev.conduit.ipc.shm.internal.RingDescriptor.PADDING;
import static dev.conduit.ipc.shm.internal.RingDescriptor.TAIL_OFFSET;
import static dev.conduit.ipc.shm.internal.RingDescriptor.TYPE_FIELD;
import static dev.conduit.ipc.shm.internal.RingDescriptor.WHOLE;
import static dev.conduit.ipc.shm.internal.RingDescriptor.align;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Benchmark-only: the alternative to serializing senders, several producers claiming ring space with a
 * compare-and-set on the tail and each publishing its own record's length. Whole records only; measured against the
 * lock in {@link ShmRingBenchmark}. The reader is unchanged: a claimed record stays invisible (length 0) until its
 * producer publishes it.
 */
final class CasClaimRingWriter {
    private final ByteBuffer buffer;
    private final int base;
    private final int data;
    private final int capacity;
    private final int mask;

    CasClaimRingWriter(ByteBuffer segment, int ringOffset, int capacity) {
        this.buffer = segment.duplicate().order(ByteOrder.nativeOrder());
        this.base = ringOffset;
        this.data = ringOffset + META_LENGTH;
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    /** A window for one producer thread's copies. */
    ByteBuffer newWindow() {
        return buffer.duplicate();
    }

    /** Writes {@code frame} as one record, from any thread, copying through that thread's window; false if full. */
    boolean write(ByteBuf frame, ByteBuffer window) {
        int length = HEADER_LENGTH + frame.readableBytes();
        int aligned = align(length);
        long tail;
        int index;
        int padding;
        do {
            tail = (long) LONG.getVolatile(buffer, base + TAIL_OFFSET);
            long head = (long) LONG.getAcquire(buffer, base + HEAD_OFFSET);
            index = (int) tail & mask;
            int toEnd = capacity - index;
            padding = aligned <= toEnd ? 0 : toEnd;
            if (tail + padding + aligned - head > capacity) {
                return false;
            }
        } while (!LONG.compareAndSet(buffer, base + TAIL_OFFSET, tail, tail + padding + aligned));
        if (padding != 0) {
            buffer.putInt(data + index + TYPE_FIELD, PADDING);
            INT.setRelease(buffer, data + index, padding);
            index = 0;
        }
        window.clear();
        window.position(data + index + HEADER_LENGTH).limit(data + index + length);
        frame.getBytes(frame.readerIndex(), window);
        buffer.putInt(data + index + TYPE_FIELD, WHOLE);
        INT.setRelease(buffer, data + index, length);
        return true;
    }
}
