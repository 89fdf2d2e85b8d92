package dev.conduit.ipc.queue.internal;

import static dev.conduit.ipc.queue.internal.SegmentDescriptor.ALIGNMENT;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.CHECKSUM;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.HEADER_LENGTH;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.KIND_MASK;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.MESSAGE;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.PADDING;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.PAYLOAD_LENGTH;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.RECORD_HEADER;

import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.FramingException;
import dev.conduit.ipc.queue.RecordsLostException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Reads a queue from a position: checks every record (its word and length within the segment, its checksum, its
 * size against {@code maxFrame}) before it hands the payload on, steps over padding and into the next segment, and
 * unblocks claims of dead writers ({@link ClaimRecovery}). Its position lives in this object; the files only tell it
 * what is there, so a damaged file can stop a reader but never move it out of bounds.
 *
 * <p>Not thread-safe: one reading thread at a time. It owns its mapping of the segment it reads.
 */
final class Tailer {
    /** Receives messages; returns whether to go on reading. */
    interface Delivery {
        /**
         * One message; {@code payload} is valid during the call. {@code segment}, {@code end} and {@code sequence}
         * are the position after it.
         */
        boolean onMessage(ByteBuffer payload, long segment, int end, long sequence);
    }

    /** How a tailer finds the segments after its own: the queue's directory, or a test's view of it. */
    interface Segments {
        /** Maps segment {@code number}; {@link NoSuchFileException} if it is not there. */
        SegmentFile open(long number) throws IOException;

        /** The highest segment number present. */
        long newest() throws IOException;
    }

    private static final long NEXT_SEGMENT_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long LOST_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final QueueDirectory dir;
    private final Segments segments;
    private final String queue;
    private final String reader;
    private final int maxFrame;
    private final CRC32C crc = new CRC32C();
    private final ClaimRecovery recovery = new ClaimRecovery();

    private SegmentFile segment;
    private ByteBuffer view;
    private ByteBuffer window;
    private int offset;
    private long sequence;
    private long nextLookNanos;
    private long nextLostCheckNanos;

    Tailer(
            QueueDirectory dir,
            Segments segments,
            String queue,
            String reader,
            SegmentFile segment,
            int offset,
            long sequence,
            int maxFrame) {
        this.dir = dir;
        this.segments = segments;
        this.queue = queue;
        this.reader = reader;
        this.maxFrame = maxFrame;
        this.nextLookNanos = System.nanoTime();
        this.nextLostCheckNanos = nextLookNanos;
        use(segment, offset, sequence);
    }

    long segment() {
        return segment.number();
    }

    int offset() {
        return offset;
    }

    /** The index the next message will have. */
    long nextIndex() {
        return SegmentDescriptor.index(segment.number(), sequence);
    }

    /**
     * Hands up to {@code limit} messages to {@code delivery}, stopping early at the end of what is committed or when
     * {@code delivery} declines.
     *
     * @return the messages handed on
     * @throws FramingException for a corrupt record, naming its index; the position stays before it
     * @throws FrameTooLargeException for a record larger than {@code maxFrame}
     * @throws RecordsLostException if retention deleted the segment this reader needs next
     */
    int poll(Delivery delivery, int limit) throws IOException {
        int delivered = 0;
        while (delivered < limit) {
            SegmentFile s = segment;
            if (offset >= s.capacity()) {
                if (!nextSegment()) {
                    break;
                }
                continue;
            }
            int word = s.word(offset);
            if (word == 0) {
                break; // nothing more yet
            }
            if (word < 0) {
                if (!recovery.unblock(s, offset, word)) {
                    break; // claimed, being written
                }
                continue;
            }
            int length = word & ~KIND_MASK;
            int kind = word & KIND_MASK;
            if (length < ALIGNMENT || length > s.capacity() - offset) {
                throw corrupt("its length " + length + " does not fit the " + (s.capacity() - offset)
                        + " bytes left in the segment");
            }
            recovery.progressed();
            if (kind == PADDING) {
                offset += length;
                continue;
            }
            if (kind != MESSAGE) {
                throw corrupt(
                        "its kind is " + kind + "; expected " + MESSAGE + " (message) or " + PADDING + " (padding)");
            }
            int record = HEADER_LENGTH + offset;
            ByteBuffer buffer = s.buffer();
            int payload = buffer.getInt(record + PAYLOAD_LENGTH);
            if (payload < 0 || SegmentDescriptor.recordLength(payload) != length) {
                throw corrupt("its payload length " + payload + " does not match its record length " + length);
            }
            window.limit(record + RECORD_HEADER + payload).position(record + PAYLOAD_LENGTH);
            crc.reset();
            crc.update(window);
            int expected = buffer.getInt(record + CHECKSUM);
            if ((int) crc.getValue() != expected) {
                throw corrupt("its checksum is 0x" + Integer.toHexString((int) crc.getValue())
                        + " but the record says 0x" + Integer.toHexString(expected));
            }
            if (payload > maxFrame) {
                throw new FrameTooLargeException(
                        payload, maxFrame, "the record at index " + SegmentDescriptor.index(s.number(), sequence));
            }
            offset += length;
            sequence++;
            delivered++;
            view.limit(record + RECORD_HEADER + payload).position(record + RECORD_HEADER);
            if (!delivery.onMessage(view, s.number(), offset, sequence)) {
                break;
            }
        }
        return delivered;
    }

    /** Whether a record (or the way on to the next segment) is there to be read, without reading it. */
    boolean hasRecord() {
        return offset >= segment.capacity() || segment.word(offset) > 0;
    }

    private boolean nextSegment() throws IOException {
        long now = System.nanoTime();
        if (now - nextLookNanos < 0) {
            return false;
        }
        nextLookNanos = now + NEXT_SEGMENT_NANOS;
        long next = segment.number() + 1;
        SegmentFile opened;
        try {
            opened = segments.open(next);
        } catch (NoSuchFileException e) {
            if (now - nextLostCheckNanos < 0) {
                return false;
            }
            nextLostCheckNanos = now + LOST_CHECK_NANOS;
            // Segments are made in order, so a newer one listed before a look that misses `next` proves `next` was
            // deleted. The look above proves nothing: `next` and a newer one may both have been made since it.
            long newest = segments.newest();
            try {
                opened = segments.open(next);
            } catch (NoSuchFileException gone) {
                if (newest > next) {
                    throw LostRecords.segmentGone(queue, reader, next, SegmentDescriptor.index(next, 0), dir);
                }
                return false;
            }
        }
        SegmentFile done = segment;
        use(opened, 0, 0);
        done.unmap();
        return true;
    }

    /** The segments of {@code dir}, as every reader sees them. */
    static Segments of(QueueDirectory dir) {
        return new Segments() {
            @Override
            public SegmentFile open(long number) throws IOException {
                return dir.open(number, true);
            }

            @Override
            public long newest() throws IOException {
                return dir.newestSegment();
            }
        };
    }

    private void use(SegmentFile s, int at, long seq) {
        segment = s;
        offset = at;
        sequence = seq;
        view = s.buffer().asReadOnlyBuffer();
        window = s.buffer().duplicate().order(ByteOrder.nativeOrder());
        recovery.progressed();
    }

    private FramingException corrupt(String why) {
        return new FramingException("corrupt record at index " + SegmentDescriptor.index(segment.number(), sequence)
                + " (segment " + segment.number() + ", offset " + offset + ") of " + queue + ": " + why
                + "; it is not delivered, and the reader stays before it");
    }

    /** Unmaps the segment; the caller guarantees that no poll runs now or later. */
    void close() {
        segment.unmap();
    }
}
