package dev.conduit.ipc.shm.internal;

import dev.conduit.ipc.internal.Unmapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One connection's mapped file: a header and two {@link RingDescriptor rings}, client-to-server first.
 *
 * <pre>
 *  0    magic 'CSHM' (int) | version (int) | client-to-server capacity (int) | server-to-client capacity (int)
 *  16   creator pid (long)
 *  128  ring 0: client to server  (512 bytes of positions and flags, then capacity bytes of data)
 *  ...  ring 1: server to client
 * </pre>
 *
 * The client creates the file owner-only under a name nobody can guess, with an exclusive create, and pre-allocates
 * it (so that a full {@code /dev/shm} is an {@link IOException} now, not a bus error later); the server maps it and
 * unlinks it at once, so the file exists only for the few microseconds of a handshake.
 *
 * <p>Each side keeps the file open while it is mapped, for one reason: a peer that truncates the file makes every
 * access to the lost pages a bus error, which the JVM reports as an {@link InternalError}, and {@link #intact()} asks
 * the kernel for the file's size to tell which link it was. {@link #unmap()} releases the memory at once ({@code
 * sun.misc.Unsafe.invokeCleaner}, as Agrona's {@code IoUtil.unmap} does); the caller must prove that no thread can
 * touch the mapping afterwards, since that would crash the JVM (see {@link ShmLink#closeNow}).
 */
final class Segment {
    static final int MAGIC = 0x4353484D;
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 128;
    /** Names tried before creating a segment gives up: a collision with a random name means someone squats. */
    static final int CREATE_ATTEMPTS = 8;

    private final Path path;
    private final FileChannel file;
    private final MappedByteBuffer buffer;
    private final long length;
    private final int toServer;
    private final int toClient;
    private boolean unmapped;

    private Segment(Path path, FileChannel file, MappedByteBuffer buffer, int toServer, int toClient) {
        this.path = path;
        this.file = file;
        this.buffer = buffer;
        this.length = length(toServer, toClient);
        this.toServer = toServer;
        this.toClient = toClient;
    }

    static long length(int toServer, int toClient) {
        return (long) HEADER_LENGTH + RingDescriptor.ringLength(toServer) + RingDescriptor.ringLength(toClient);
    }

    /**
     * Creates, pre-allocates and maps a new owner-only segment file under a fresh name from {@code names}. The file
     * is created exclusively ({@code O_CREAT|O_EXCL}, which also refuses a symbolic link planted at the name); a name
     * that exists already is someone else's file, left alone, and another name is tried.
     *
     * @throws FileAlreadyExistsException if {@value #CREATE_ATTEMPTS} names in a row were taken
     */
    static Segment create(Supplier<Path> names, int toServer, int toClient) throws IOException {
        FileAlreadyExistsException taken = null;
        for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
            Path path = names.get();
            FileChannel file;
            try {
                file = createExclusive(path);
            } catch (FileAlreadyExistsException e) {
                taken = e;
                continue;
            }
            return createIn(path, file, toServer, toClient);
        }
        throw new FileAlreadyExistsException(
                String.valueOf(taken == null ? null : taken.getFile()),
                null,
                CREATE_ATTEMPTS + " fresh segment names in a row were taken; is another process squatting the"
                        + " directory?");
    }

    private static FileChannel createExclusive(Path path) throws IOException {
        Set<StandardOpenOption> options =
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(path, options, ownerOnly());
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(path, options);
        }
    }

    private static Segment createIn(Path path, FileChannel file, int toServer, int toClient) throws IOException {
        long length = length(toServer, toClient);
        boolean ok = false;
        try {
            ByteBuffer zeros = ByteBuffer.allocateDirect(64 << 10);
            for (long at = 0; at < length; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), length - at));
                at += file.write(zeros, at);
            }
            MappedByteBuffer map = file.map(FileChannel.MapMode.READ_WRITE, 0, length);
            map.order(ByteOrder.nativeOrder());
            map.putInt(4, VERSION)
                    .putInt(8, toServer)
                    .putInt(12, toClient)
                    .putLong(16, ProcessHandle.current().pid());
            RingDescriptor.INT.setRelease(map, 0, MAGIC);
            ok = true;
            return new Segment(path, file, map, toServer, toClient);
        } finally {
            if (!ok) {
                file.close();
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Maps a segment that the client created and checks that it is what the client announced: a fresh one, its
     * header as announced and every ring position and flag still zero.
     *
     * @throws IOException if it is not a regular file of the expected length with a matching header and fresh rings;
     *     nothing stays mapped then
     */
    static Segment open(Path path, int toServer, int toClient) throws IOException {
        long length = length(toServer, toClient);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(path + " is not a regular file");
        }
        FileChannel file =
                FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        Segment segment = null;
        boolean ok = false;
        try {
            if (file.size() != length) {
                throw new IOException(path + " has " + file.size() + " bytes; expected " + length);
            }
            MappedByteBuffer map = file.map(FileChannel.MapMode.READ_WRITE, 0, length);
            map.order(ByteOrder.nativeOrder());
            segment = new Segment(path, file, map, toServer, toClient);
            int magic = (int) RingDescriptor.INT.getAcquire(map, 0);
            if (magic != MAGIC || map.getInt(4) != VERSION || map.getInt(8) != toServer || map.getInt(12) != toClient) {
                throw new IOException(path + " does not hold the segment header the client announced");
            }
            String stale = segment.staleRing();
            if (stale != null) {
                throw new IOException(path + " is not a fresh segment: " + stale);
            }
            ok = true;
            return segment;
        } finally {
            if (!ok) {
                if (segment != null) {
                    segment.unmap();
                } else {
                    file.close();
                }
            }
        }
    }

    /** Why a ring of a new segment is not as a fresh one must be (every position and flag zero), or null. */
    private @Nullable String staleRing() {
        int[] rings = {HEADER_LENGTH, toClientOffset()};
        String[] names = {"client-to-server", "server-to-client"};
        int[] fields = {
            RingDescriptor.TAIL_OFFSET,
            RingDescriptor.HEAD_OFFSET,
            RingDescriptor.READER_PARKED_OFFSET,
            RingDescriptor.WRITER_WAITING_OFFSET
        };
        String[] fieldNames = {"tail", "head", "readerParked", "writerWaiting"};
        for (int r = 0; r < rings.length; r++) {
            for (int f = 0; f < fields.length; f++) {
                long value = f < 2 ? buffer.getLong(rings[r] + fields[f]) : buffer.getInt(rings[r] + fields[f]);
                if (value != 0) {
                    return "the " + names[r] + " ring's " + fieldNames[f] + " is " + value + ", not 0";
                }
            }
        }
        return null;
    }

    static FileAttribute<?> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    }

    Path path() {
        return path;
    }

    /** The whole mapping; for tests that play a misbehaving peer. */
    ByteBuffer buffer() {
        return buffer;
    }

    /** Removes the file; the mappings stay valid. */
    void unlink() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the sweep of stale segments removes it later
        }
    }

    /**
     * Whether the file still covers the whole mapping. False once a peer truncated it: every access to the lost
     * pages is then a bus error. One system call; meant for after a fault, not for every access.
     */
    boolean intact() {
        try {
            return file.size() >= length;
        } catch (IOException e) {
            return false;
        }
    }

    /** The file's size now, for messages. */
    long size() {
        try {
            return file.size();
        } catch (IOException e) {
            return -1;
        }
    }

    long length() {
        return length;
    }

    /**
     * Unmaps the segment and closes the file; idempotent. The caller guarantees that no thread touches the mapping
     * (through any {@link RingReader} or {@link RingWriter} of it) from now on.
     */
    void unmap() {
        if (unmapped) {
            return;
        }
        unmapped = true;
        Unmapper.unmap(buffer);
        try {
            file.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
    }

    RingWriter writer(boolean client) {
        return client
                ? new RingWriter(buffer, HEADER_LENGTH, toServer)
                : new RingWriter(buffer, toClientOffset(), toClient);
    }

    RingReader reader(boolean client) {
        return client
                ? new RingReader(buffer, toClientOffset(), toClient)
                : new RingReader(buffer, HEADER_LENGTH, toServer);
    }

    private int toClientOffset() {
        return HEADER_LENGTH + RingDescriptor.ringLength(toServer);
    }
}
