package dev.conduit.ipc.queue.internal;

import static dev.conduit.ipc.queue.internal.SegmentDescriptor.CAPACITY_OFFSET;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.CREATED_OFFSET;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.HEADER_LENGTH;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.INT;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.LONG;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.MAGIC;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.MAGIC_OFFSET;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.NUMBER_OFFSET;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.PADDING;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.PID;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.TAIL_OFFSET;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.VERSION;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.VERSION_OFFSET;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.wordAndPid;

import dev.conduit.ipc.internal.Unmapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One mapped segment ({@link SegmentDescriptor}): the header's tail and the record words, through atomic and
 * release/acquire accesses on the mapping. Offsets are data offsets (0 is the first record). Thread-safe for
 * those accesses; the mapping belongs to whoever opened it, which alone may {@link #unmap} it, once nothing else of
 * its owner can touch it.
 */
final class SegmentFile {
    private final Path path;
    private final long number;
    private final int capacity;
    private final long created;
    private final MappedByteBuffer buffer;

    private SegmentFile(Path path, long number, int capacity, long created, MappedByteBuffer buffer) {
        this.path = path;
        this.number = number;
        this.capacity = capacity;
        this.created = created;
        this.buffer = buffer;
    }

    /**
     * Maps segment {@code number} at {@code path} and checks its header.
     *
     * @throws java.nio.file.NoSuchFileException if it does not exist (yet, or any more)
     * @throws IOException if it is not a segment of this queue: wrong size, magic, version or number
     */
    static SegmentFile open(Path path, long number, boolean writable) throws IOException {
        Set<OpenOption> options = writable
                ? Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
                : Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try (FileChannel file = FileChannel.open(path, options)) {
            long size = file.size();
            if (!SegmentDescriptor.validSegmentSize(size)) {
                throw new IOException(path + " is not a queue segment: it has " + size
                        + " bytes; expected a multiple of 4096 from 64 KiB to 1 GiB");
            }
            MappedByteBuffer map =
                    file.map(writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, size);
            map.order(ByteOrder.nativeOrder());
            int magic = (int) INT.getAcquire(map, MAGIC_OFFSET);
            int version = map.getInt(VERSION_OFFSET);
            long storedNumber = map.getLong(NUMBER_OFFSET);
            int capacity = map.getInt(CAPACITY_OFFSET);
            if (magic != MAGIC
                    || version != SegmentDescriptor.VERSION
                    || storedNumber != number
                    || capacity != SegmentDescriptor.capacity((int) size)) {
                Unmapper.unmap(map);
                throw new IOException(path + " is not segment " + number + " of a queue (magic 0x"
                        + Integer.toHexString(magic) + ", version " + version + ", number " + storedNumber
                        + ", capacity " + capacity + "); expected magic 0x" + Integer.toHexString(MAGIC) + ", version "
                        + VERSION + ", number " + number + ", capacity " + SegmentDescriptor.capacity((int) size));
            }
            return new SegmentFile(path, number, capacity, map.getLong(CREATED_OFFSET), map);
        }
    }

    /** The header of a new segment, written before the file gets its name. */
    static ByteBuffer header(long number, int fileSize, long createdMillis) {
        ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        h.putInt(MAGIC_OFFSET, MAGIC)
                .putInt(VERSION_OFFSET, VERSION)
                .putLong(NUMBER_OFFSET, number)
                .putInt(CAPACITY_OFFSET, SegmentDescriptor.capacity(fileSize))
                .putLong(CREATED_OFFSET, createdMillis);
        return h;
    }

    Path path() {
        return path;
    }

    long number() {
        return number;
    }

    int capacity() {
        return capacity;
    }

    /** When the segment was created, in epoch milliseconds. */
    long created() {
        return created;
    }

    /** The mapping, for views and bulk copies at absolute positions ({@link SegmentDescriptor#HEADER_LENGTH} + offset). */
    MappedByteBuffer buffer() {
        return buffer;
    }

    /** Where the claimed data is believed to end: a record boundary at or behind the real end. */
    int tail() {
        return (int) (long) LONG.getAcquire(buffer, TAIL_OFFSET);
    }

    /** Moves the tail hint to {@code end}, the end of a record just claimed. */
    void tail(int end) {
        LONG.setRelease(buffer, TAIL_OFFSET, (long) end);
    }

    /** The word of the record at {@code offset}, with acquire semantics: a committed word publishes its record. */
    int word(int offset) {
        return (int) INT.getAcquire(buffer, HEADER_LENGTH + offset);
    }

    /** The pid in the record at {@code offset}; set together with a claimed word. */
    int pid(int offset) {
        return buffer.getInt(HEADER_LENGTH + offset + PID);
    }

    /**
     * Claims the record at {@code offset} for {@code length} bytes: its word and pid from zero to the claim, in one
     * compare-and-exchange. Returns 0 if this call claimed it, else what is there already ({@link #taken}).
     */
    int claim(int offset, int length, int pid) {
        return taken((long) LONG.compareAndExchange(buffer, HEADER_LENGTH + offset, 0L, wordAndPid(-length, pid)));
    }

    /** Publishes a record: its committed word, with a release store after everything else of it. */
    void commit(int offset, int word) {
        INT.setRelease(buffer, HEADER_LENGTH + offset, word);
    }

    /**
     * Turns the claim of {@code pid} at {@code offset} into padding of its length: by a writer that failed to write its
     * record, or by a reader once the claimer is known dead. False if the word changed meanwhile.
     */
    boolean abandon(int offset, int length, int pid) {
        return LONG.compareAndSet(
                buffer,
                HEADER_LENGTH + offset,
                wordAndPid(-length, pid),
                wordAndPid(SegmentDescriptor.committed(length, PADDING), pid));
    }

    /**
     * Pads from {@code offset} to the end, for a record that does not fit there; returns 0 if this call did, else what
     * is there already ({@link #taken}).
     */
    int seal(int offset, int pid) {
        return taken((long) LONG.compareAndExchange(
                buffer,
                HEADER_LENGTH + offset,
                0L,
                wordAndPid(SegmentDescriptor.committed(capacity - offset, PADDING), pid)));
    }

    /**
     * What a failed claim found, from its witness: the word there (whose length tells where the next record starts),
     * or {@link Integer#MIN_VALUE}, which no record has, for a zero word beside a pid that is not zero: damage that
     * would otherwise look like a successful claim.
     */
    private static int taken(long witness) {
        int word = SegmentDescriptor.wordOf(witness);
        return word != 0 || witness == 0 ? word : Integer.MIN_VALUE;
    }

    /** Unmaps the file; see {@link Unmapper} for the owner's duty. */
    void unmap() {
        Unmapper.unmap(buffer);
    }

    @Override
    public String toString() {
        return "segment " + number + " (" + path + ")";
    }
}
