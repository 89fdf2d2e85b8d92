package dev.conduit.ipc.queue;

import dev.conduit.core.ConduitException;
import dev.conduit.core.Property;
import dev.conduit.ipc.queue.internal.QueueAdmin;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Looks at and administers a {@code queue://} directory without a channel: its segments and indices, its named
 * readers with their positions and lag, and moving a reader to an index or a time.
 *
 * <pre>{@code
 * Queues.Info info = Queues.info(Path.of("/var/q/orders"));
 * for (Queues.Reader r : info.readers()) {
 *     System.out.println(r.name() + " at " + r.nextIndex() + ", " + r.lag() + " behind");
 * }
 * Queues.moveReader(Path.of("/var/q/orders"), "billing", Instant.now().minus(Duration.ofHours(1)));  // replay an hour
 * }</pre>
 *
 * <p>An index is {@code segment << 32 | sequence}: it grows with every message and has no gaps inside a segment (see
 * {@code ipc/QUEUE.md}). Counting messages walks record headers, so {@link #info} takes time in proportion to the
 * records it counts (a few milliseconds per 64 MiB segment).
 *
 * <p>Static methods, thread-safe; they open and close what they use. Failures are {@link ConduitException}s that name
 * the queue and what went wrong.
 */
public final class Queues {
    private Queues() {}

    /**
     * On a channel with a reader ({@link dev.conduit.core.Channel#property}): the index of the next message its reader
     * will deliver, which moves past each message once the application has it.
     */
    public static final Property<Long> READER_INDEX = Property.of("queue.readerIndex", Long.class);

    /**
     * A queue's state.
     *
     * @param directory the queue's directory
     * @param segments its segment files, oldest first
     * @param bytes the size of all segment files
     * @param firstIndex the index of the oldest record retained (even if it is not written yet)
     * @param lastIndex the index of the newest message, or -1 if none is retained
     * @param nextIndex the index the next message will have
     * @param messages the messages retained
     * @param readers its named readers, by name
     */
    public record Info(
            Path directory,
            List<Segment> segments,
            long bytes,
            long firstIndex,
            long lastIndex,
            long nextIndex,
            long messages,
            List<Reader> readers) {}

    /**
     * One segment file.
     *
     * @param number its number, the high half of its records' indices
     * @param bytes its file size
     * @param messages the messages committed in it
     * @param created when it was created
     */
    public record Segment(long number, long bytes, long messages, Instant created) {}

    /**
     * A named reader.
     *
     * @param name its name
     * @param nextIndex the index of the next message it will read, or -1 if it never delivered one (it then starts
     *     where its channel's {@code from} says)
     * @param lag the messages between its position and the end of the queue, or -1 with no position
     * @param ownerPid the process whose channel reads with it now, or 0
     */
    public record Reader(String name, long nextIndex, long lag, long ownerPid) {}

    /**
     * The state of the queue in {@code directory}.
     *
     * @throws ConduitException if there is no queue there or it cannot be read
     */
    public static Info info(Path directory) {
        return QueueAdmin.info(directory);
    }

    /** The named readers of the queue in {@code directory}, by name; {@link Info#readers()} alone. */
    public static List<Reader> readers(Path directory) {
        return info(directory).readers();
    }

    /**
     * Moves reader {@code reader} (creating it if it does not exist) to the first record whose index is {@code index}
     * or more: its next channel delivers from there.
     *
     * @throws ConduitException if a channel reads with it now, or the index is older than the oldest record retained
     *     or beyond the next one to be written
     */
    public static void moveReader(Path directory, String reader, long index) {
        QueueAdmin.moveToIndex(directory, reader, index);
    }

    /**
     * Moves reader {@code reader} (creating it if it does not exist) to the first message appended at or after
     * {@code time} (to the end if there is none): its next channel delivers from there.
     *
     * @throws ConduitException if a channel reads with it now
     */
    public static void moveReader(Path directory, String reader, Instant time) {
        QueueAdmin.moveToTime(directory, reader, time);
    }
}
