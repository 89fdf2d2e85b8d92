package dev.conduit.ipc.queue.internal;

import dev.conduit.ipc.queue.internal.ReaderPosition.Position;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * Finds positions in a queue: where a reader starts ({@code from=start|end|INDEX}), the first record at or after an
 * index or a time, and how many messages lie between two positions. Walks record headers ({@link SegmentScan}), so
 * its cost grows with the records walked; stateless.
 */
final class Positions {
    private Positions() {}

    /** Where a reader without a stored position starts, for the {@code from} option's value. */
    static Position from(QueueDirectory dir, String from) throws IOException {
        List<Long> segments = nonEmpty(dir);
        return switch (from) {
            case "start" -> new Position(segments.get(0), 0, 0);
            case "end" -> end(dir, segments);
            default -> atIndex(dir, Long.parseLong(from));
        };
    }

    /**
     * The end of the queue: where the next message appended will be. That is the end of the newest segment, unless it
     * is empty and the one before still has room: it was prepared ahead of time, and writers fill the one before first.
     */
    static Position end(QueueDirectory dir, List<Long> segments) throws IOException {
        long newest = segments.get(segments.size() - 1);
        Position end = end(dir, newest);
        if (end.offset() == 0 && segments.size() > 1 && segments.get(segments.size() - 2) == newest - 1) {
            SegmentFile before = dir.open(newest - 1, false);
            try {
                SegmentScan.Stop stop = SegmentScan.end(before);
                if (!stop.atEnd()) {
                    return new Position(newest - 1, stop.offset(), stop.sequence());
                }
            } finally {
                before.unmap();
            }
        }
        return end;
    }

    /** The position after the last committed record of segment {@code newest}. */
    static Position end(QueueDirectory dir, long newest) throws IOException {
        SegmentFile s = dir.open(newest, false);
        try {
            SegmentScan.Stop stop = SegmentScan.end(s);
            return new Position(newest, stop.offset(), stop.sequence());
        } finally {
            s.unmap();
        }
    }

    /**
     * The position of the first record whose index is {@code index} or more.
     *
     * @throws IOException if the index is older than the oldest record retained or beyond the next one to be written
     */
    static Position atIndex(QueueDirectory dir, long index) throws IOException {
        List<Long> segments = nonEmpty(dir);
        long segment = SegmentDescriptor.segmentOf(index);
        long sequence = SegmentDescriptor.sequenceOf(index);
        long oldest = segments.get(0);
        long newest = segments.get(segments.size() - 1);
        if (segment < oldest) {
            throw new IOException("index " + index + " is no longer retained in " + dir
                    + ": the oldest record has index " + SegmentDescriptor.index(oldest, 0));
        }
        Position end = end(dir, segments);
        if (index > end.index()) {
            throw new IOException("index " + index + " is beyond the end of " + dir
                    + ": the next record will have index " + end.index());
        }
        for (long s : segments) {
            if (s < segment) {
                continue;
            }
            SegmentFile file = dir.open(s, false);
            try {
                SegmentScan.Stop stop = SegmentScan.walk(file, s == segment ? sequence : 0, Long.MAX_VALUE);
                if (!stop.atEnd() || s == newest) {
                    return new Position(s, stop.offset(), stop.sequence());
                }
            } finally {
                file.unmap();
            }
        }
        return end;
    }

    /** The position of the first message written at or after {@code millis} (epoch ms); the end if there is none. */
    static Position atTime(QueueDirectory dir, long millis) throws IOException {
        List<Long> segments = nonEmpty(dir);
        for (long s : segments) {
            SegmentFile file = dir.open(s, false);
            try {
                SegmentScan.Stop stop = SegmentScan.walk(file, Long.MAX_VALUE, millis);
                if (!stop.atEnd() || s == segments.get(segments.size() - 1)) {
                    return new Position(s, stop.offset(), stop.sequence());
                }
            } finally {
                file.unmap();
            }
        }
        throw new IllegalStateException("unreachable: the newest segment always ends the walk");
    }

    /** The messages from {@code from} up to {@code to} (a later position), walking the segments between. */
    static long between(QueueDirectory dir, Position from, Position to) throws IOException {
        if (from.segment() == to.segment()) {
            return Math.max(0, to.sequence() - from.sequence());
        }
        long count = 0;
        for (long s : dir.segments()) {
            if (s < from.segment() || s >= to.segment()) {
                continue;
            }
            SegmentFile file;
            try {
                file = dir.open(s, false);
            } catch (NoSuchFileException e) {
                continue; // retention deleted it since the listing: its messages are no longer between the two
            }
            try {
                long messages = SegmentScan.end(file).sequence();
                count += s == from.segment() ? Math.max(0, messages - from.sequence()) : messages;
            } finally {
                file.unmap();
            }
        }
        return count + to.sequence();
    }

    private static List<Long> nonEmpty(QueueDirectory dir) throws IOException {
        List<Long> segments = dir.segments();
        if (segments.isEmpty()) {
            throw new IOException(dir + " holds no segment: nothing was ever appended to it");
        }
        return segments;
    }
}
