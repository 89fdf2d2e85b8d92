package dev.conduit.ipc.shm.internal;

import static dev.conduit.ipc.shm.internal.RingDescriptor.FIRST;
import static dev.conduit.ipc.shm.internal.RingDescriptor.FIRST_PREFIX;
import static dev.conduit.ipc.shm.internal.RingDescriptor.HEADER_LENGTH;
import static dev.conduit.ipc.shm.internal.RingDescriptor.HEAD_OFFSET;
import static dev.conduit.ipc.shm.internal.RingDescriptor.INT;
import static dev.conduit.ipc.shm.internal.RingDescriptor.LAST;
import static dev.conduit.ipc.shm.internal.RingDescriptor.LONG;
import static dev.conduit.ipc.shm.internal.RingDescriptor.META_LENGTH;
import static dev.conduit.ipc.shm.internal.RingDescriptor.MIDDLE;
import static dev.conduit.ipc.shm.internal.RingDescriptor.PADDING;
import static dev.conduit.ipc.shm.internal.RingDescriptor.READER_PARKED_OFFSET;
import static dev.conduit.ipc.shm.internal.RingDescriptor.TAIL_OFFSET;
import static dev.conduit.ipc.shm.internal.RingDescriptor.TYPE_FIELD;
import static dev.conduit.ipc.shm.internal.RingDescriptor.WHOLE;
import static dev.conduit.ipc.shm.internal.RingDescriptor.WRITER_WAITING_OFFSET;
import static dev.conduit.ipc.shm.internal.RingDescriptor.align;

import dev.conduit.core.FramingException;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Cache-line padding in front of a {@link RingWriter}'s position; the JVM lays out a superclass's fields first. */
abstract class RingWriterPad {
    /** Fills the gap after the object header, where the JVM would otherwise place a subclass's int. */
    int gap;

    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;
}

/** The fields a {@link RingWriter} writes for every message, between padding. */
abstract class RingWriterPosition extends RingWriterPad {
    long tail;
    /** The last head position read; refreshed only when the ring looks full, to keep the reader's line quiet. */
    long headCache;
}

/**
 * The producer side of a {@link RingDescriptor ring}. Not thread-safe: one writer at a time (the link serializes its
 * senders with a lock), which keeps the tail a plain field and the publication a single release store.
 */
final class RingWriter extends RingWriterPosition {
    /** Padding after {@link #tail}: the sender writes it for every message, the poller must not share its line. */
    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15, q16;

    private final ByteBuffer buffer;
    /**
     * A private big-endian window on the segment for the {@link RingDescriptor#FIRST} prefix and for copies from
     * composite buffers; its position and limit are this writer's scratch state.
     */
    private final ByteBuffer window;

    private final int base;
    private final int data;
    private final int capacity;
    private final int mask;
    private final int maxPayload;

    RingWriter(ByteBuffer segment, int ringOffset, int capacity) {
        this.buffer = segment.duplicate().order(ByteOrder.nativeOrder());
        this.window = segment.duplicate();
        this.base = ringOffset;
        this.data = ringOffset + META_LENGTH;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxPayload = RingDescriptor.maxPayload(capacity);
        this.tail = (long) LONG.getAcquire(buffer, base + TAIL_OFFSET);
        this.headCache = (long) LONG.getAcquire(buffer, base + HEAD_OFFSET);
        if ((tail & (RingDescriptor.ALIGNMENT - 1)) != 0) {
            throw new FramingException("corrupt shared-memory ring: its tail " + tail + " is not "
                    + RingDescriptor.ALIGNMENT + "-byte aligned");
        }
    }

    int capacity() {
        return capacity;
    }

    /**
     * Writes bytes {@code [offset, length)} of {@code frame}'s readable bytes as records, as far as the free space
     * allows. A message of at most {@link RingDescriptor#maxPayload} bytes goes whole or not at all.
     *
     * @return the new offset ({@code frame.readableBytes()} once the whole message is in the ring), or -1 if not even
     *     one record fitted
     */
    int write(ByteBuf frame, int offset) {
        int length = frame.readableBytes();
        int source = frame.readerIndex();
        if (offset == 0 && length <= maxPayload) {
            return writeWhole(frame) ? length : -1;
        }
        int position = offset;
        boolean wrote = false;
        while (position < length) {
            int prefix = position == 0 ? FIRST_PREFIX : 0;
            int chunk = Math.min(length - position, maxPayload - prefix);
            int index = claim(HEADER_LENGTH + prefix + chunk);
            if (index < 0) {
                break;
            }
            int type = position == 0 ? FIRST : position + chunk == length ? LAST : MIDDLE;
            if (prefix != 0) {
                window.clear();
                window.putInt(data + index + HEADER_LENGTH, length);
            }
            copy(frame, source + position, index + HEADER_LENGTH + prefix, chunk);
            publish(index, type, HEADER_LENGTH + prefix + chunk);
            position += chunk;
            wrote = true;
        }
        if (wrote) {
            LONG.setRelease(buffer, base + TAIL_OFFSET, tail);
        }
        return wrote ? position : -1;
    }

    /**
     * Writes {@code frame}'s readable bytes as one record if they fit in a record and the free space allows.
     *
     * @return whether the message is in the ring; if not, nothing was written
     */
    boolean writeWhole(ByteBuf frame) {
        int length = frame.readableBytes();
        if (length > maxPayload) {
            return false;
        }
        int index = claim(HEADER_LENGTH + length);
        if (index < 0) {
            return false;
        }
        copy(frame, frame.readerIndex(), index + HEADER_LENGTH, length);
        publish(index, WHOLE, HEADER_LENGTH + length);
        LONG.setRelease(buffer, base + TAIL_OFFSET, tail);
        return true;
    }

    /** Reserves space for a record, padding to the end of the data first if needed; returns its index or -1. */
    private int claim(int recordLength) {
        int aligned = align(recordLength);
        int index = (int) tail & mask;
        int toEnd = capacity - index;
        int required = aligned <= toEnd ? aligned : toEnd + aligned;
        if (tail + required - headCache > capacity) {
            headCache = (long) LONG.getAcquire(buffer, base + HEAD_OFFSET);
            if (tail + required - headCache > capacity) {
                return -1;
            }
        }
        if (aligned > toEnd) {
            buffer.putInt(data + index + TYPE_FIELD, PADDING);
            INT.setRelease(buffer, data + index, toEnd);
            tail += toEnd;
            index = 0;
        }
        return index;
    }

    private void copy(ByteBuf frame, int from, int index, int length) {
        if (length == 0) {
            return;
        }
        int at = data + index;
        if (frame.nioBufferCount() == 1) {
            // An absolute copy: no window state to update, and no buffer object per message.
            ByteBuffer source = frame.internalNioBuffer(from, length);
            buffer.put(at, source, source.position(), length);
            return;
        }
        window.clear();
        window.position(at);
        window.limit(at + length);
        frame.getBytes(from, window);
    }

    private void publish(int index, int type, int length) {
        buffer.putInt(data + index + TYPE_FIELD, type);
        INT.setRelease(buffer, data + index, length);
        tail += align(length);
    }

    /**
     * After a write: whether the reader had flagged itself parked, in which case this call clears the flag and the
     * caller must send it a wake-up. The fence orders the record's publication before the flag is read, so that a
     * reader that parks concurrently either sees the record or is seen parked.
     */
    boolean claimReaderWakeUp() {
        VarHandle.fullFence();
        return (int) INT.getVolatile(buffer, base + READER_PARKED_OFFSET) == 1
                && INT.compareAndSet(buffer, base + READER_PARKED_OFFSET, 1, 0);
    }

    /** Flags that this side waits for space and wants a wake-up once the reader frees some. */
    void setWaiting(boolean waiting) {
        INT.setVolatile(buffer, base + WRITER_WAITING_OFFSET, waiting ? 1 : 0);
    }
}
