package dev.conduit.ipc.queue.internal;

import dev.conduit.ipc.queue.internal.ReaderPosition.Position;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes whole segments, oldest first, that the queue no longer keeps. The segment writers append to is never
 * deleted: the newest, or the one before it while the newest is still empty (prepared ahead of time), so numbers and
 * indices keep growing and no append goes into a deleted file. A segment's age starts when the next one was created,
 * which is when it was half full.
 *
 * <ul>
 *   <li>{@code retain}: a segment whose successor was created longer ago goes, unless a named reader's stored
 *       position is in it or before it (that reader still needs it);
 *   <li>{@code retainBytes}: while all segments together are larger, the oldest goes, needed or not; a reader that
 *       needed it fails with {@link dev.conduit.ipc.queue.RecordsLostException} when it gets there.
 * </ul>
 *
 * Run by writers: in the background when a segment has filled up to its middle, and when a writer connects.
 */
final class Retention {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    /** A queue's retention options; both null keeps everything. */
    record Policy(@Nullable Duration retain, @Nullable Long retainBytes) {
        boolean keepsAll() {
            return retain == null && retainBytes == null;
        }
    }

    /** Where retention learns the lowest segment the named readers need: their files, or a test's stand-in. */
    interface Readers {
        /**
         * The lowest segment a stored position is in; {@code Long.MAX_VALUE} if none is stored.
         *
         * @throws IOException if a reader's position cannot be known now
         */
        long oldestNeeded(QueueDirectory dir) throws IOException;
    }

    /** No segment is known to be free of readers: age alone deletes nothing. */
    private static final long UNKNOWN = Long.MIN_VALUE;

    private Retention() {}

    /** Applies {@code policy} to {@code dir}; returns how many segments it deleted. */
    static int apply(QueueDirectory dir, Policy policy) throws IOException {
        return apply(dir, policy, Retention::oldestNeeded);
    }

    static int apply(QueueDirectory dir, Policy policy, Readers readers) throws IOException {
        if (policy.keepsAll()) {
            return 0;
        }
        List<Long> segments = dir.segments();
        long total = 0;
        for (long s : segments) {
            total += size(dir.segmentPath(s));
        }
        long needed;
        try {
            needed = readers.oldestNeeded(dir);
        } catch (IOException e) {
            // A reader whose position cannot be read now may need any segment: age deletes nothing this time.
            log.warn("queue {}: retention by age skipped this time: {}", dir, e.toString());
            needed = UNKNOWN;
        }
        long now = System.currentTimeMillis();
        int deleted = 0;
        int last = segments.size() - 1;
        if (last > 0 && empty(dir.segmentPath(segments.get(last)))) {
            last--; // the newest was prepared ahead of time and writers still fill the one before: keep both
        }
        for (int i = 0; i < last; i++) {
            long s = segments.get(i);
            Path file = dir.segmentPath(s);
            boolean overBudget = policy.retainBytes() != null && total > policy.retainBytes();
            boolean expired = policy.retain() != null
                    && s < needed
                    && created(dir.segmentPath(segments.get(i + 1)))
                            < now - policy.retain().toMillis();
            if (!overBudget && !expired) {
                break;
            }
            long size = size(file);
            Files.deleteIfExists(file);
            total -= size;
            deleted++;
            if (s >= needed) {
                // Routine deletions are not worth a line each; one a reader still needed is.
                log.warn(
                        "queue {}: retention deleted segment {}, which reader positions {}need: over"
                                + " retainBytes={}",
                        dir,
                        s,
                        needed == UNKNOWN ? "may " : "still ",
                        policy.retainBytes());
            } else {
                log.debug(
                        "queue {}: retention deleted segment {} ({})",
                        dir,
                        s,
                        overBudget
                                ? "over retainBytes=" + policy.retainBytes()
                                : "full for longer than retain=" + policy.retain());
            }
        }
        return deleted;
    }

    /**
     * The lowest segment a named reader's stored position is in; {@code Long.MAX_VALUE} if none is stored. A file that
     * is not a reader's file (its size or magic say so) or that went away stores nothing; any other failure to read
     * one (out of descriptors or mappings, say) is thrown: that reader may need every segment.
     */
    static long oldestNeeded(QueueDirectory dir) throws IOException {
        long needed = Long.MAX_VALUE;
        for (String name : dir.readers()) {
            ReaderPosition reader;
            try {
                reader = ReaderPosition.open(dir, name, false);
            } catch (NoSuchFileException | ReaderPosition.NotAReaderFile e) {
                log.debug("queue {}: no position in the file of reader {}: {}", dir, name, e.toString());
                continue;
            } catch (IOException e) {
                throw new IOException("cannot read the position of reader " + name + ": " + e, e);
            }
            try {
                Position p = reader.read();
                if (p != null) {
                    needed = Math.min(needed, p.segment());
                }
            } finally {
                reader.close();
            }
        }
        return needed;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Whether a segment holds no record yet: its first word is zero (read like any write through a mapping). */
    private static boolean empty(Path segment) throws IOException {
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
            while (word.hasRemaining() && file.read(word, SegmentDescriptor.HEADER_LENGTH + word.position()) > 0) {
                // read the whole word
            }
            return word.getInt(0) == 0;
        }
    }

    /** A segment's creation time from its header, read without mapping it. */
    static long created(Path segment) throws IOException {
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer header =
                    ByteBuffer.allocate(SegmentDescriptor.CREATED_OFFSET + 8).order(ByteOrder.nativeOrder());
            while (header.hasRemaining() && file.read(header, header.position()) > 0) {
                // read the whole header
            }
            return header.getLong(SegmentDescriptor.CREATED_OFFSET);
        }
    }
}
