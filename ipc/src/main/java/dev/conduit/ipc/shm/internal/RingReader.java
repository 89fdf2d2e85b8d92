package dev.conduit.ipc.shm.internal;

import static dev.conduit.ipc.shm.internal.RingDescriptor.HEADER_LENGTH;
import static dev.conduit.ipc.shm.internal.RingDescriptor.HEAD_OFFSET;
import static dev.conduit.ipc.shm.internal.RingDescriptor.INT;
import static dev.conduit.ipc.shm.internal.RingDescriptor.LONG;
import static dev.conduit.ipc.shm.internal.RingDescriptor.META_LENGTH;
import static dev.conduit.ipc.shm.internal.RingDescriptor.PADDING;
import static dev.conduit.ipc.shm.internal.RingDescriptor.READER_PARKED_OFFSET;
import static dev.conduit.ipc.shm.internal.RingDescriptor.TYPE_FIELD;
import static dev.conduit.ipc.shm.internal.RingDescriptor.WRITER_WAITING_OFFSET;
import static dev.conduit.ipc.shm.internal.RingDescriptor.align;

import dev.conduit.core.FramingException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The reader's position, after padding: the reading thread writes it for every record. */
abstract class RingReaderPosition extends LinePadding {
    /** The next record to read; written under the reading lock only, read without it by {@code mayHaveRecord}. */
    long position;
    /** What has been zeroed and given back to the producer: {@link #position} rounded down to a cache line. */
    long head;
}

/**
 * The consumer side of a {@link RingDescriptor ring}; used by one thread at a time (the link's poller, or a thread
 * waiting in {@code receive}, under {@link ShmInbound}'s reading lock). Its position lives in
 * this object: the value in shared memory is only published for the producer, never read back, so a peer that
 * scribbles on the ring can corrupt records but never move this reader out of bounds. Every record header is
 * checked before its payload is touched.
 *
 * <p>Its position has padding around it, and the objects the link allocates after it start with padding
 * ({@link LinePadding}): the position and the view buffer change with every record, and the thread that reads is
 * often not the poller, which reads the link's other objects every round.
 */
final class RingReader extends RingReaderPosition {
    /** Receives records; returns whether to go on reading. */
    interface RecordHandler {
        boolean onRecord(int type, ByteBuffer payload);
    }

    private static final byte[] ZEROS = new byte[4096];
    private static final VarHandle POSITION;

    static {
        try {
            POSITION = MethodHandles.lookup().findVarHandle(RingReaderPosition.class, "position", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /**
     * Space goes back to the producer in whole cache lines: the line holding the end of the last record read may be
     * the one the producer is writing the next record into, and zeroing it then would make both cores write it.
     */
    private static final int LINE = 64;

    private final ByteBuffer buffer;
    /** A read-only window that handlers see; its position and limit frame one payload at a time. */
    private final ByteBuffer view;

    private final int base;
    private final int data;
    private final int capacity;
    private final int mask;
    private final int maxPayload;
    /** Padding after {@link #position} and {@link #head}, before the fields other threads read. */
    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15, q16;

    RingReader(ByteBuffer segment, int ringOffset, int capacity) {
        this.buffer = segment.duplicate().order(ByteOrder.nativeOrder());
        this.view = segment.asReadOnlyBuffer();
        this.base = ringOffset;
        this.data = ringOffset + META_LENGTH;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxPayload = RingDescriptor.maxPayload(capacity);
        this.head = (long) LONG.getAcquire(buffer, base + HEAD_OFFSET);
        this.position = head;
        if ((head & (RingDescriptor.ALIGNMENT - 1)) != 0) {
            throw corrupt("the ring's head is not " + RingDescriptor.ALIGNMENT + "-byte aligned", head);
        }
    }

    /**
     * Hands records to {@code handler} until the ring is empty, {@code byteLimit} bytes (at most the capacity) were
     * read or the handler declines; then zeroes what was read and releases it to the producer.
     *
     * @return the bytes consumed, 0 if there was nothing to read
     * @throws FramingException if a record header is impossible: a length that is too small, runs past the end of
     *     the ring or exceeds the largest record, or an unknown padding
     */
    int poll(RecordHandler handler, int byteLimit) {
        int consumed = read(handler, byteLimit);
        release();
        return consumed;
    }

    /**
     * {@link #poll} without the release: what was read stays owed to the producer until {@link #release} (or the
     * next {@link #poll}).
     */
    int read(RecordHandler handler, int byteLimit) {
        long start = position;
        int consumed = 0;
        // Nothing is zeroed until the batch ends (and the last line not even then), so reading must stop where the
        // producer's space ends: beyond it lie records already read.
        long room = head + capacity - start;
        int limit = (int) Math.min(Math.min(byteLimit, capacity), room);
        while (consumed < limit) {
            int index = (int) (start + consumed) & mask;
            int length = lengthAt(index, start + consumed);
            if (length == 0) {
                break;
            }
            int toEnd = capacity - index;
            int type = buffer.getInt(data + index + TYPE_FIELD);
            if (type == PADDING) {
                if (length != toEnd) {
                    throw corrupt("padding of " + length + " bytes where " + toEnd + " remain", start + consumed);
                }
                if (consumed + toEnd > room) {
                    throw corrupt(beyondSpace("padding", toEnd, start + consumed), start + consumed);
                }
                consumed += toEnd;
                continue;
            }
            if (length < HEADER_LENGTH || length > toEnd || length - HEADER_LENGTH > maxPayload) {
                throw corrupt("record length " + length, start + consumed);
            }
            // A writer never writes beyond the space it was given: a record that ends there is corrupt (and zeroing
            // it would run past the ring).
            if (consumed + align(length) > room) {
                throw corrupt(beyondSpace("a record", length, start + consumed), start + consumed);
            }
            consumed += align(length);
            view.clear();
            view.position(data + index + HEADER_LENGTH);
            view.limit(data + index + length);
            if (!handler.onRecord(type, view)) {
                break;
            }
        }
        if (consumed > 0) {
            POSITION.setOpaque(this, start + consumed);
        }
        return consumed;
    }

    /**
     * The published length of the record at {@code index}. Never anything but a {@link FramingException} from a
     * peer's bytes: the index is this reader's own and aligned, so a failure here is a broken ring.
     */
    private int lengthAt(int index, long at) {
        try {
            return (int) INT.getAcquire(buffer, data + index);
        } catch (IllegalStateException | IndexOutOfBoundsException e) {
            throw corrupt("unreadable record header (" + e.getMessage() + ")", at);
        }
    }

    /**
     * Whether read space is owed to the producer ({@link #read} ran without a release since). Exact for the thread
     * that holds the reading lock; a hint for others, as {@link #mayHaveRecord} is.
     */
    boolean owesSpace() {
        return ((long) POSITION.getOpaque(this) & -LINE) > head;
    }

    /** The next position to read; for the thread that holds the reading lock. */
    long position() {
        return position;
    }

    int capacity() {
        return capacity;
    }

    /** Whether a record (or padding) is published at the head. */
    boolean hasRecord() {
        return (int) INT.getAcquire(buffer, data + ((int) position & mask)) != 0;
    }

    /**
     * {@link #hasRecord} for a thread that does not hold the reading lock of {@link ShmInbound}: a hint, true or
     * false wrongly while another thread reads, but always within the ring (the index is masked), and never stale
     * for long (an opaque read is not hoisted out of a loop).
     */
    boolean mayHaveRecord() {
        long at = (long) POSITION.getOpaque(this);
        return (int) INT.getAcquire(buffer, data + ((int) at & mask)) != 0;
    }

    /**
     * Zeroes what was read up to the last whole cache line and gives it back to the producer. What stays behind is
     * less than a line, so a producer waiting for space always gets enough once everything is read: the largest
     * record, with the padding before it, needs a quarter of the ring. Returns whether it gave anything back.
     */
    boolean release() {
        return releaseUpTo(position);
    }

    /** {@link #release} of what was read before {@code at}, a position this reader has passed. */
    boolean releaseUpTo(long at) {
        long to = at & -LINE;
        if (to <= head) {
            return false;
        }
        int length = (int) (to - head);
        int index = (int) head & mask;
        int first = Math.min(length, capacity - index);
        zero(data + index, first);
        if (length > first) {
            zero(data, length - first);
        }
        head = to;
        LONG.setRelease(buffer, base + HEAD_OFFSET, head);
        return true;
    }

    private void zero(int at, int length) {
        for (int done = 0; done < length; ) {
            int n = Math.min(ZEROS.length, length - done);
            buffer.put(at + done, ZEROS, 0, n);
            done += n;
        }
    }

    /**
     * Flags this reader parked (it will sleep until the producer sends a wake-up) and checks for a record that raced
     * in; returns false, with the flag cleared, if there is one and sleeping would lose it.
     */
    boolean park() {
        INT.setVolatile(buffer, base + READER_PARKED_OFFSET, 1);
        VarHandle.fullFence();
        if (hasRecord()) {
            unpark();
            return false;
        }
        return true;
    }

    void unpark() {
        INT.setRelease(buffer, base + READER_PARKED_OFFSET, 0);
    }

    /**
     * After a poll: whether the producer had flagged that it waits for space, in which case this call clears the
     * flag and the caller must send it a wake-up.
     */
    boolean claimWriterWakeUp() {
        VarHandle.fullFence();
        return (int) INT.getVolatile(buffer, base + WRITER_WAITING_OFFSET) == 1
                && INT.compareAndSet(buffer, base + WRITER_WAITING_OFFSET, 1, 0);
    }

    private String beyondSpace(String what, int length, long at) {
        return what + " of " + length + " bytes ends at " + (at + length)
                + ", beyond the writer's space, which ends at " + (head + capacity) + " (the reader's head " + head
                + " plus the capacity " + capacity + ")";
    }

    private static FramingException corrupt(String what, long position) {
        return new FramingException("corrupt shared-memory record at position " + position + ": " + what);
    }
}
