package dev.conduit.ipc.queue.internal;

import static dev.conduit.ipc.queue.internal.SegmentDescriptor.ALIGNMENT;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.HEADER_LENGTH;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.KIND_MASK;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.MESSAGE;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.PADDING;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.TIME;

/**
 * Walks the committed records of a segment without reading payloads: to find where a reader starts ({@code from=end},
 * an index, a time) and to count messages for lag and {@code Queues.info}. It stops at the first record that is not
 * committed (or not plausible: checksums are the reading path's business), so on a damaged or still-growing segment
 * it counts what is readable now. Stateless.
 */
final class SegmentScan {
    private SegmentScan() {}

    /**
     * Where a walk stopped: at {@code offset}, before the message with {@code sequence}; {@code atEnd} if that is the
     * end of the segment's data.
     */
    record Stop(int offset, long sequence, boolean atEnd) {}

    /** Walks from the start to the first message with {@code sequence} or time at or after {@code millis}. */
    static Stop walk(SegmentFile s, long untilSequence, long untilMillis) {
        int offset = 0;
        long sequence = 0;
        int capacity = s.capacity();
        while (offset < capacity && sequence < untilSequence) {
            int word = s.word(offset);
            int length = word & ~KIND_MASK;
            if (word <= 0 || length < ALIGNMENT || length > capacity - offset) {
                return new Stop(offset, sequence, false);
            }
            int kind = word & KIND_MASK;
            if (kind == MESSAGE) {
                if (s.buffer().getLong(HEADER_LENGTH + offset + TIME) >= untilMillis) {
                    break;
                }
                sequence++;
            } else if (kind != PADDING) {
                return new Stop(offset, sequence, false);
            }
            offset += length;
        }
        return new Stop(offset, sequence, offset >= capacity);
    }

    /** Walks to the end of what is committed. */
    static Stop end(SegmentFile s) {
        return walk(s, Long.MAX_VALUE, Long.MAX_VALUE);
    }
}
