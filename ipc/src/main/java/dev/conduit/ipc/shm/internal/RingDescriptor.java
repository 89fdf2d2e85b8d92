package dev.conduit.ipc.shm.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The layout of one ring: a single-writer, single-reader queue of records in shared memory. Both processes run on one
 * host, so every field is in native byte order.
 *
 * <pre>
 *  ring offset
 *      0  +----------------------------------------------+
 *         | tail: producer position (long)               |  cache-line pair 0, written by the producer
 *    128  +----------------------------------------------+
 *         | head: consumer position (long)               |  cache-line pair 1, written by the consumer
 *    256  +----------------------------------------------+
 *         | readerParked (int): 1 while the consumer     |  cache-line pair 2: consumer sets, producer clears
 *         | sleeps and wants a wake-up on the socket     |
 *    384  +----------------------------------------------+
 *         | writerWaiting (int): 1 while the producer    |  cache-line pair 3: producer sets, consumer clears
 *         | waits for space and wants a wake-up          |
 *    512  +----------------------------------------------+
 *         | data: capacity bytes (a power of two) of     |
 *         | 8-byte-aligned records                       |
 *         +----------------------------------------------+
 * </pre>
 *
 * Positions are monotonic byte counts; a position's index in the data is {@code position & (capacity - 1)}. A record:
 *
 * <pre>
 *  0               4               8
 *  +---------------+---------------+---------------------------+
 *  | length (int)  | type (int)    | payload (length - 8 bytes) ...
 *  +---------------+---------------+---------------------------+
 * </pre>
 *
 * {@code length} counts the header and is written last, with a release store: a zero length means "nothing here
 * yet", which is why the consumer zeroes every byte it has read before it moves {@code head} on. A record never
 * straddles the end of the data: the producer fills the rest with a {@link #PADDING} record and starts again at 0.
 * Messages longer than {@link #maxPayload} travel as a {@link #FIRST} record, whose payload begins with the whole
 * message's length (a big-endian int, as handlers read it), then {@link #MIDDLE} records and a {@link #LAST} one.
 */
final class RingDescriptor {
    private RingDescriptor() {}

    static final int TAIL_OFFSET = 0;
    static final int HEAD_OFFSET = 128;
    static final int READER_PARKED_OFFSET = 256;
    static final int WRITER_WAITING_OFFSET = 384;
    static final int META_LENGTH = 512;

    static final int HEADER_LENGTH = 8;
    static final int LENGTH_FIELD = 0;
    static final int TYPE_FIELD = 4;
    static final int ALIGNMENT = 8;
    /** Bytes at the start of a {@link #FIRST} record's payload that hold the whole message's length. */
    static final int FIRST_PREFIX = 4;

    static final int PADDING = 1;
    static final int WHOLE = 2;
    static final int FIRST = 3;
    static final int MIDDLE = 4;
    static final int LAST = 5;

    static final int MIN_CAPACITY = 4096;
    static final int MAX_CAPACITY = 1 << 29;

    static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** The bytes one ring of {@code capacity} data bytes takes in a segment. */
    static int ringLength(int capacity) {
        return META_LENGTH + capacity;
    }

    /** The largest payload of one record: an eighth of the ring, so that padding at the wrap wastes little. */
    static int maxPayload(int capacity) {
        return capacity / 8 - HEADER_LENGTH;
    }

    static int align(int length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** Whether {@code capacity} is a power of two within the supported range. */
    static boolean validCapacity(long capacity) {
        return capacity >= MIN_CAPACITY && capacity <= MAX_CAPACITY && Long.bitCount(capacity) == 1;
    }
}
