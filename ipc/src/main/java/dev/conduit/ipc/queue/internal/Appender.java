package dev.conduit.ipc.queue.internal;

import static dev.conduit.ipc.queue.internal.SegmentDescriptor.CHECKSUM;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.HEADER_LENGTH;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.MESSAGE;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.PAYLOAD_LENGTH;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.RECORD_HEADER;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.TIME;

import dev.conduit.core.FrameTooLargeException;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Appends records to a queue: claims a record with one compare-and-exchange of its word (with this process's pid),
 * moves the segment's tail hint past it, writes it and commits it with a release store of its word (see {@link
 * SegmentDescriptor}). Other appenders, in this process or others, do the same at the same time; the exchange gives
 * every record to exactly one writer, so records never interleave, and all writers agree on one order.
 *
 * <p>Not thread-safe: its link lets one sender in at a time. It owns its mapping of the current segment.
 */
final class Appender {
    /** What the appender asks of its surroundings: the segment after the one it fills, made ahead of time. */
    interface Preparation {
        /** {@code segment} is half full: create the next one in the background. */
        void prepareAfter(long segment);

        /**
         * The segment after {@code segment} is needed now and missing: wait for its creation if one is under way;
         * returns whether there was one.
         */
        boolean awaitAfter(long segment);
    }

    private final QueueDirectory dir;
    private final int segmentSize;
    private final boolean durable;
    private final Preparation preparation;
    private final QueueClock clock;
    private final int maxPayload;
    private final CRC32C crc = new CRC32C();

    private @Nullable SegmentFile current;
    /** A private window on {@link #current}'s mapping for checksums; its position and limit are scratch. */
    private ByteBuffer window;

    Appender(QueueDirectory dir, int segmentSize, boolean durable, Preparation preparation, QueueClock clock)
            throws IOException {
        this.dir = dir;
        this.clock = clock;
        this.segmentSize = segmentSize;
        this.durable = durable;
        this.preparation = preparation;
        this.maxPayload = SegmentDescriptor.maxPayload(SegmentDescriptor.capacity(segmentSize));
        long newest = dir.newestSegment();
        if (newest < 0) {
            dir.createSegment(0, segmentSize, durable);
            newest = dir.newestSegment();
        }
        use(openLive(newest, 0));
    }

    /**
     * The segment to go on in when {@code newest} is the newest: the one before it (if there is one, from {@code
     * oldest} on) while {@code newest} is still empty, because then it may be the next segment prepared ahead of time
     * while the one before still has room. Appending there would leave records beyond room that nobody fills, and
     * readers, which read the segments in order, would wait in that room forever. A full segment is walked and left
     * by {@link #append}, so starting one too early costs a walk, never a record out of order.
     */
    private SegmentFile openLive(long newest, long oldest) throws IOException {
        SegmentFile s = dir.open(newest, true);
        if (newest <= oldest || s.word(0) != 0) {
            return s;
        }
        try {
            SegmentFile before = dir.open(newest - 1, true);
            s.unmap();
            return before;
        } catch (NoSuchFileException e) {
            return s;
        }
    }

    /** The largest message this appender's segments hold. */
    int maxPayload() {
        return maxPayload;
    }

    /**
     * Appends {@code frame}'s readable bytes as one record.
     *
     * @return the number of the segment it went into (for a sync)
     * @throws FrameTooLargeException if it cannot fit a segment of this appender's size
     * @throws IOException if the next segment cannot be made: the disk is full, or a foreign file has its name
     */
    long append(ByteBuf frame) throws IOException {
        int length = frame.readableBytes();
        if (length > maxPayload) {
            throw new FrameTooLargeException(
                    length, maxPayload, "message", "the largest record of a " + segmentSize + "-byte segment");
        }
        int aligned = SegmentDescriptor.recordLength(length);
        SegmentFile s = current;
        if (s == null) {
            throw new IllegalStateException("appender closed");
        }
        int at = s.tail();
        while (true) {
            int capacity = s.capacity();
            if (at >= capacity) {
                s = roll(s);
                at = s.tail();
                continue;
            }
            int word = s.word(at);
            if (word != 0) {
                at = stepOver(s, at, word); // claimed already: no need to fight for its cache line
                continue;
            }
            boolean fits = aligned <= capacity - at;
            int taken = fits ? s.claim(at, aligned, ProcessLiveness.PID) : s.seal(at, ProcessLiveness.PID);
            if (taken != 0) {
                at = stepOver(s, at, taken); // another writer was first: its record starts here
                continue;
            }
            if (!fits) {
                s.tail(capacity); // the rest of this segment is padding now: later writers need not walk it
                s = roll(s);
                at = s.tail();
                continue;
            }
            s.tail(at + aligned);
            write(s, at, aligned, frame, length);
            long half = capacity >>> 1;
            if (at < half && at + aligned >= half) {
                preparation.prepareAfter(s.number());
            }
            return s.number();
        }
    }

    /** The offset after the record whose word is {@code word}, checked: a damaged word must not send a writer astray. */
    private static int stepOver(SegmentFile s, int at, int word) throws IOException {
        int length = SegmentDescriptor.lengthOf(word);
        if (length < SegmentDescriptor.ALIGNMENT
                || length > s.capacity() - at
                || (length & (SegmentDescriptor.ALIGNMENT - 1)) != 0) {
            throw new IOException(s.path() + " is damaged: the record at offset " + at + " has the word " + word
                    + "; appending stops here rather than guess where the next record starts");
        }
        return at + length;
    }

    private void write(SegmentFile s, int at, int aligned, ByteBuf frame, int length) {
        ByteBuffer buffer = s.buffer();
        int record = HEADER_LENGTH + at;
        boolean committed = false;
        try {
            buffer.putInt(record + PAYLOAD_LENGTH, length);
            buffer.putLong(record + TIME, clock.millis());
            copy(frame, buffer, record + RECORD_HEADER, length);
            ByteBuffer w = window;
            w.limit(record + RECORD_HEADER + length).position(record + PAYLOAD_LENGTH);
            crc.reset();
            crc.update(w);
            buffer.putInt(record + CHECKSUM, (int) crc.getValue());
            s.commit(at, SegmentDescriptor.committed(aligned, MESSAGE));
            committed = true;
        } finally {
            if (!committed) {
                s.abandon(at, aligned, ProcessLiveness.PID); // readers skip it instead of waiting for it
            }
        }
    }

    private static void copy(ByteBuf frame, ByteBuffer buffer, int to, int length) {
        if (length == 0) {
            return;
        }
        int from = frame.readerIndex();
        if (frame.nioBufferCount() == 1) {
            ByteBuffer source = frame.internalNioBuffer(from, length);
            buffer.put(to, source, source.position(), length);
        } else {
            frame.getBytes(from, buffer.duplicate().position(to).limit(to + length));
        }
    }

    /**
     * Moves on from the full segment {@code full}: to the next one if it exists, to the newest if retention deleted
     * the next, or to a new one if {@code full} is the newest: the one the preparer is making, if it is, else one
     * made here.
     */
    private SegmentFile roll(SegmentFile full) throws IOException {
        long next = full.number() + 1;
        boolean awaited = false;
        while (true) {
            try {
                SegmentFile opened = next == full.number() + 1 ? dir.open(next, true) : openLive(next, full.number());
                use(opened);
                full.unmap();
                return opened;
            } catch (NoSuchFileException e) {
                long newest = dir.newestSegment();
                if (newest > next) {
                    next = newest;
                } else if (!awaited && next == full.number() + 1 && preparation.awaitAfter(full.number())) {
                    awaited = true; // made in the background meanwhile (or failed there): look again
                } else {
                    dir.createSegment(next, segmentSize, durable);
                }
            }
        }
    }

    private void use(SegmentFile segment) {
        current = segment;
        window = segment.buffer().duplicate().order(ByteOrder.nativeOrder());
    }

    /** Unmaps the current segment; the caller guarantees that no append runs now or later. */
    void close() {
        SegmentFile s = current;
        current = null;
        if (s != null) {
            s.unmap();
        }
    }
}
