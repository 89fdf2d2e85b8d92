package dev.conduit.ipc.queue.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The layout of one segment file of a queue, and of the records in it. Every process that uses a queue runs on one
 * host, so every field is in native byte order.
 *
 * <pre>
 *  file offset
 *      0  +----------------------------------------------+
 *         | magic 'CQSG' (int) | version (int)           |
 *      8  | segment number (long)                        |
 *     16  | capacity: data bytes (int) | reserved (int)  |
 *     24  | created: epoch milliseconds (long)           |
 *    128  +----------------------------------------------+
 *         | tail: data bytes claimed (long)              |  cache-line pair of its own: every append adds to it
 *    256  +----------------------------------------------+
 *         | reserved                                     |
 *    512  +----------------------------------------------+
 *         | data: capacity bytes of 8-byte-aligned       |
 *         | records, from offset 0 of the data           |
 *         +----------------------------------------------+
 * </pre>
 *
 * A writer claims room for a record by adding its aligned length to {@code tail} (one atomic add on the mapping, by
 * any thread of any process); the old value is where its record starts. A record:
 *
 * <pre>
 *  0               4               8               12              16                              24
 *  +---------------+---------------+---------------+---------------+-------------------------------+----------
 *  | word (int)    | pid (int)     | crc32c (int)  | payload length| time: epoch ms (long)         | payload...
 *  +---------------+---------------+---------------+---------------+-------------------------------+----------
 * </pre>
 *
 * {@code word} is the commit marker and says what the record is:
 *
 * <ul>
 *   <li>{@code 0}: nothing yet. Unclaimed data is zero because the file is created zero-filled.
 *   <li>negative: claimed, being written: {@code -length}. The claimer sets it, with its {@code pid}, by one
 *       compare-and-set of the first eight bytes from zero, before anything else of the record.
 *   <li>positive: committed: {@code length | kind}, written last with a release store. {@code length} (a multiple of
 *       8) counts the header, the payload and the alignment padding; the low three bits are the kind: {@link
 *       #MESSAGE} or {@link #PADDING} (all three set, so that no single flipped bit turns one into the other).
 * </ul>
 *
 * {@code crc32c} covers the payload length, the time and the payload. A padding record is skipped whole: the rest of
 * a segment that a record did not fit in (written by the writer whose claim crossed the end), a claim whose writer
 * died (rewritten by a reader, see {@code ClaimRecovery}), or eight-byte tiles over claimed space that no writer
 * marked. A reader that reaches the end of the data goes on in the next segment.
 *
 * <p>A record's <em>index</em> is {@code segment number << 32 | sequence}, the sequence counting the messages before
 * it in its segment: indices grow with every message, without gaps inside a segment.
 */
final class SegmentDescriptor {
    private SegmentDescriptor() {}

    static final int MAGIC = 0x43515347;
    static final int VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int NUMBER_OFFSET = 8;
    static final int CAPACITY_OFFSET = 16;
    static final int CREATED_OFFSET = 24;
    static final int TAIL_OFFSET = 128;
    static final int HEADER_LENGTH = 512;

    static final int WORD = 0;
    static final int PID = 4;
    static final int CHECKSUM = 8;
    static final int PAYLOAD_LENGTH = 12;
    static final int TIME = 16;
    static final int RECORD_HEADER = 24;
    static final int ALIGNMENT = 8;

    static final int KIND_MASK = 7;
    static final int MESSAGE = 0;
    static final int PADDING = 7;
    /** The word of an eight-byte padding tile laid over claimed space that no writer marked. */
    static final int TILE = ALIGNMENT | PADDING;

    static final int MIN_SEGMENT = 64 << 10;
    static final int MAX_SEGMENT = 1 << 30;

    static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** The aligned length of a record with {@code payload} bytes. */
    static int recordLength(int payload) {
        return (RECORD_HEADER + payload + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** The largest payload a segment of {@code capacity} data bytes holds. */
    static int maxPayload(int capacity) {
        return capacity - RECORD_HEADER;
    }

    /** The data bytes of a segment file of {@code fileSize} bytes. */
    static int capacity(int fileSize) {
        return fileSize - HEADER_LENGTH;
    }

    /** Whether {@code fileSize} is a valid segment size: a multiple of 4096 within the limits. */
    static boolean validSegmentSize(long fileSize) {
        return fileSize >= MIN_SEGMENT && fileSize <= MAX_SEGMENT && (fileSize & 4095) == 0;
    }

    /** The first eight bytes of a record, {@code word} and {@code pid}, as one long for a compare-and-set. */
    static long wordAndPid(int word, int pid) {
        return LITTLE_ENDIAN ? ((long) pid << 32) | (word & 0xFFFF_FFFFL) : ((long) word << 32) | (pid & 0xFFFF_FFFFL);
    }

    /** A committed word: {@code length | kind}. */
    static int committed(int length, int kind) {
        return length | kind;
    }

    /** The length of a committed or claimed word. */
    static int lengthOf(int word) {
        return word < 0 ? -word : word & ~KIND_MASK;
    }

    /** The index of the message with {@code sequence} in segment {@code segment}. */
    static long index(long segment, long sequence) {
        return segment << 32 | sequence;
    }

    static long segmentOf(long index) {
        return index >>> 32;
    }

    static long sequenceOf(long index) {
        return index & 0xFFFF_FFFFL;
    }
}
