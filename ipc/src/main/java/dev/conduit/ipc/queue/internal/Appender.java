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
 * Appends records to a queue: claims room with one atomic add on the current segment's tail, marks the claim with
 * this process's pid, writes the record and commits it with a release store of its word (see {@link
 * SegmentDescriptor}). Other appenders, in this process or others, do the same at the same time; the atomic add gives
 * every record its own room, so records never interleave.
 *
 * <p>Not thread-safe: its link lets one sender in at a time. It owns its mapping of the current segment.
 */
final class Appender {
    /** What the appender asks of its surroundings when a segment is half full: create the next one ahead of time. */
    interface Preparation {
        void prepareAfter(long segment);
    }

    private final QueueDirectory dir;
    private final int segmentSize;
    private final boolean durable;
    private final Preparation preparation;
    private final int maxPayload;
    private final CRC32C crc = new CRC32C();

    private @Nullable SegmentFile current;
    /** A private window on {@link #current}'s mapping for checksums; its position and limit are scratch. */
    private ByteBuffer window;

    Appender(QueueDirectory dir, int segmentSize, boolean durable, Preparation preparation) throws IOException {
        this.dir = dir;
        this.segmentSize = segmentSize;
        this.durable = durable;
        this.preparation = preparation;
        this.maxPayload = SegmentDescriptor.maxPayload(SegmentDescriptor.capacity(segmentSize));
        long newest = dir.newestSegment();
        if (newest < 0) {
            dir.createSegment(0, segmentSize, durable);
            newest = dir.newestSegment();
        }
        use(dir.open(newest, true));
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
        while (true) {
            SegmentFile s = current;
            if (s == null) {
                throw new IllegalStateException("appender closed");
            }
            int capacity = s.capacity();
            if (s.tail() >= capacity) {
                roll(s);
                continue;
            }
            long start = s.claim(aligned);
            if (start + aligned > capacity) {
                if (start < capacity) {
                    s.seal((int) start, ProcessLiveness.PID);
                }
                roll(s);
                continue;
            }
            int at = (int) start;
            if (!s.mark(at, aligned, ProcessLiveness.PID)) {
                continue; // a reader took this claim for a dead writer's: claim again
            }
            write(s, at, aligned, frame, length);
            long half = capacity >>> 1;
            if (start < half && start + aligned >= half) {
                preparation.prepareAfter(s.number());
            }
            return s.number();
        }
    }

    private void write(SegmentFile s, int at, int aligned, ByteBuf frame, int length) {
        ByteBuffer buffer = s.buffer();
        int record = HEADER_LENGTH + at;
        boolean committed = false;
        try {
            buffer.putInt(record + PAYLOAD_LENGTH, length);
            buffer.putLong(record + TIME, System.currentTimeMillis());
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
     * the next, or to a new one if {@code full} is the newest.
     */
    private void roll(SegmentFile full) throws IOException {
        long next = full.number() + 1;
        while (true) {
            try {
                use(dir.open(next, true));
                full.unmap();
                return;
            } catch (NoSuchFileException e) {
                long newest = dir.newestSegment();
                if (newest > next) {
                    next = newest;
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
