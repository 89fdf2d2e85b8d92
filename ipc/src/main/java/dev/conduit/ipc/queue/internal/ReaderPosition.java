package dev.conduit.ipc.queue.internal;

import dev.conduit.ipc.internal.Unmapper;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A named reader's file, {@code readers/<name>.pos}: who reads with it now, and the position after the last message
 * it delivered. Mapped, so that storing a position is a few stores to memory, which survive the crash of the process.
 *
 * <pre>
 *  0    magic 'CQRP' (int) | version (int)
 *  8    owner pid (int)                      0 when no channel reads with it
 *  16   owner start: epoch ms (long)         tells the owner from a later process with its pid
 *  64   generation (long)                    count of positions stored; even: slot 0 is current, odd: slot 1
 *  128  slot 0: segment (long) | offset (long) | sequence (long)
 *  192  slot 1: the same
 * </pre>
 *
 * A position is written into the slot that is not current, then published by a release store of the generation, so
 * a crash leaves the previous one whole, and a reader of the file in another process retries if the generation moved
 * while it read. One owner at a time, taken by a compare-and-set of the pid: the owner of a channel, or {@code
 * Queues} moving the reader. An owner that died is replaced.
 *
 * <p>Stores come from one thread at a time (the link serializes them); the other methods are thread-safe.
 */
final class ReaderPosition {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAGIC = 0x43515250;
    private static final int VERSION = 1;
    private static final int OWNER = 8;
    private static final int OWNER_START = 16;
    private static final int GENERATION = 64;
    private static final int SLOTS = 128;
    private static final int SLOT_LENGTH = 64;
    private static final int SIZE = 4096;

    /** A stored position: the next record to read is at {@code offset} of {@code segment}, the {@code sequence}th. */
    record Position(long segment, int offset, long sequence) {
        long index() {
            return SegmentDescriptor.index(segment, sequence);
        }
    }

    /** A file under a reader's name that is not a reader file: its size or its magic and version are wrong. */
    static final class NotAReaderFile extends IOException {
        private static final long serialVersionUID = 1L;

        NotAReaderFile(String message) {
            super(message);
        }
    }

    private final String name;
    private final MappedByteBuffer buffer;
    private boolean owned;

    private ReaderPosition(String name, MappedByteBuffer buffer) {
        this.name = name;
        this.buffer = buffer;
    }

    /** The file of reader {@code name}, created (with no position) if {@code create} and absent. */
    static ReaderPosition open(QueueDirectory dir, String name, boolean create) throws IOException {
        Path path = dir.readersDirectory().resolve(name + ".pos");
        if (create) {
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            header.putInt(0, MAGIC).putInt(4, VERSION);
            PreparedFile.publish(dir, path, SIZE, header, false);
        }
        try (FileChannel file =
                FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            if (file.size() != SIZE) {
                throw new NotAReaderFile(
                        path + " is not a reader file: it has " + file.size() + " bytes; expected " + SIZE);
            }
            MappedByteBuffer map = file.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
            map.order(ByteOrder.nativeOrder());
            if (map.getInt(0) != MAGIC || map.getInt(4) != VERSION) {
                Unmapper.unmap(map);
                throw new NotAReaderFile(path + " is not a reader file of a queue (bad magic or version)");
            }
            return new ReaderPosition(name, map);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no reader " + name);
        }
    }

    String name() {
        return name;
    }

    /**
     * Takes the reader for this process, for {@code purpose} ("a channel", "Queues").
     *
     * @throws IOException naming the process that has it, if a live one does
     */
    void acquire() throws IOException {
        while (true) {
            int owner = (int) SegmentDescriptor.INT.getVolatile(buffer, OWNER);
            long start = (long) SegmentDescriptor.LONG.getVolatile(buffer, OWNER_START);
            if (owner == ProcessLiveness.PID && (start == ProcessLiveness.START || start == 0)) {
                throw new IOException("reader " + name + " is in use by another channel of this process");
            }
            if (owner != 0 && ProcessLiveness.isRunning(owner, start)) {
                throw new IOException("reader " + name + " is in use by process " + owner);
            }
            if (SegmentDescriptor.INT.compareAndSet(buffer, OWNER, owner, ProcessLiveness.PID)) {
                SegmentDescriptor.LONG.setRelease(buffer, OWNER_START, ProcessLiveness.START);
                owned = true;
                return;
            }
        }
    }

    /** Gives the reader back, if this process holds it. */
    void release() {
        if (owned) {
            owned = false;
            SegmentDescriptor.LONG.setRelease(buffer, OWNER_START, 0L);
            SegmentDescriptor.INT.compareAndSet(buffer, OWNER, ProcessLiveness.PID, 0);
        }
    }

    /** The pid of the process reading with it now, or 0. */
    int owner() {
        int owner = (int) SegmentDescriptor.INT.getVolatile(buffer, OWNER);
        long start = (long) SegmentDescriptor.LONG.getVolatile(buffer, OWNER_START);
        return owner != 0 && ProcessLiveness.isRunning(owner, start) ? owner : 0;
    }

    /** The stored position, or null if the reader never delivered a message. */
    @Nullable
    Position read() {
        while (true) {
            long generation = (long) SegmentDescriptor.LONG.getAcquire(buffer, GENERATION);
            if (generation == 0) {
                return null;
            }
            int slot = SLOTS + (int) (generation & 1) * SLOT_LENGTH;
            Position p = new Position(buffer.getLong(slot), (int) buffer.getLong(slot + 8), buffer.getLong(slot + 16));
            // The slot's plain loads must not move past the second look at the generation: an acquire load orders
            // only what follows it, so without this fence a slot overwritten meanwhile could pass the check.
            VarHandle.acquireFence();
            if ((long) SegmentDescriptor.LONG.getOpaque(buffer, GENERATION) == generation) {
                return p;
            }
        }
    }

    /** Stores a position; by the owner only, one thread at a time. */
    void store(long segment, int offset, long sequence) {
        long generation = (long) SegmentDescriptor.LONG.getOpaque(buffer, GENERATION) + 1;
        int slot = SLOTS + (int) (generation & 1) * SLOT_LENGTH;
        buffer.putLong(slot, segment);
        buffer.putLong(slot + 8, offset);
        buffer.putLong(slot + 16, sequence);
        SegmentDescriptor.LONG.setRelease(buffer, GENERATION, generation);
    }

    /** Unmaps the file, giving the reader back first; nothing of this object may be used afterwards. */
    void close() {
        release();
        Unmapper.unmap(buffer);
    }
}
