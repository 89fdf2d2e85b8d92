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
 *         | tail hint: a record boundary at or behind    |  cache-line pair of its own: every append writes it
 *         | the end of what is claimed (long)            |
 *    256  +----------------------------------------------+
 *         | reserved                                     |
 *    512  +----------------------------------------------+
 *         | data: capacity bytes of 8-byte-aligned       |
 *         | records, from offset 0 of the data           |
 *         +----------------------------------------------+
 * </pre>
 *
 * A record:
 *
 * <pre>
 *  0               4               8               12              16                              24
 *  +---------------+---------------+---------------+---------------+-------------------------------+----------
 *  | word (int)    | pid (int)     | crc32c (int)  | payload length| time: epoch ms (long)         | payload...
 *  +---------------+---------------+---------------+---------------+-------------------------------+----------
 * </pre>
 *
 * {@code word} is the claim and the commit marker, and says what the record is:
 *
 * <ul>
 *   <li>{@code 0}: nothing yet. Unclaimed data is zero because the file is created zero-filled.
 *   <li>negative: claimed, being written: {@code -length}, with the claimer's {@code pid} beside it.
 *   <li>positive: committed: {@code length | kind}, written last with a release store. {@code length} (a multiple of
 *       8) counts the header, the payload and the alignment padding; the low three bits are the kind: {@link
 *       #MESSAGE} or {@link #PADDING} (all three set, so that no single flipped bit turns one into the other).
 * </ul>
 *
 * <p><b>Claiming.</b> A writer claims a record with one compare-and-exchange of the first eight bytes, word and pid,
 * from zero to {@code -length | pid}, at the first zero word: claim and mark are one atomic operation, so a claim
 * always says how long it is and whose it is. It starts at the tail hint and, where another writer got there first,
 * steps over that record by the length the exchange returned. Every word below a hint is claimed, so the claimed
 * records are always a gap-free prefix of the data. A record that does not fit before the end becomes padding to the
 * end (claimed the same way), and the writer goes on in the next segment.
 *
 * <p>{@code crc32c} covers the payload length, the time and the payload. A padding record is skipped whole: the end
 * of a segment, or a claim whose writer died, which a reader rewrites as padding once that process is gone (see
 * {@code ClaimRecovery}). A reader that reaches the end of the data goes on in the next segment.
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

    /** The word in the first eight bytes of a record read as one long ({@link #wordAndPid}'s inverse, half). */
    static int wordOf(long wordAndPid) {
        return LITTLE_ENDIAN ? (int) wordAndPid : (int) (wordAndPid >>> 32);
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
