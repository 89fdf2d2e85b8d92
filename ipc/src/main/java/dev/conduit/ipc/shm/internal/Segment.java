package dev.conduit.ipc.shm.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

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
 * The client creates the file owner-only and pre-allocates it (so that a full {@code /dev/shm} is an {@link
 * IOException} now, not a bus error later); the server maps it and unlinks it at once, so the file exists only for
 * the few microseconds of a handshake. The mapping lives until the last reference to it is collected: Java 17 has no
 * supported way to unmap explicitly, and a mapping that outlives the file costs only memory.
 */
final class Segment {
    static final int MAGIC = 0x4353484D;
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 128;

    private final Path path;
    private final MappedByteBuffer buffer;
    private final int toServer;
    private final int toClient;

    private Segment(Path path, MappedByteBuffer buffer, int toServer, int toClient) {
        this.path = path;
        this.buffer = buffer;
        this.toServer = toServer;
        this.toClient = toClient;
    }

    static long length(int toServer, int toClient) {
        return (long) HEADER_LENGTH + RingDescriptor.ringLength(toServer) + RingDescriptor.ringLength(toClient);
    }

    /** Creates, pre-allocates and maps a new segment file at {@code path}, owner-only. */
    static Segment create(Path path, int toServer, int toClient) throws IOException {
        long length = length(toServer, toClient);
        try {
            Files.createFile(path, ownerOnly());
        } catch (UnsupportedOperationException e) {
            Files.createFile(path);
        }
        boolean ok = false;
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
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
            return new Segment(path, map, toServer, toClient);
        } finally {
            if (!ok) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Maps a segment that the client created and checks that it is what the client announced.
     *
     * @throws IOException if it is not a regular file of the expected length with a matching header
     */
    static Segment open(Path path, int toServer, int toClient) throws IOException {
        long length = length(toServer, toClient);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(path + " is not a regular file");
        }
        try (FileChannel file =
                FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            if (file.size() != length) {
                throw new IOException(path + " has " + file.size() + " bytes; expected " + length);
            }
            MappedByteBuffer map = file.map(FileChannel.MapMode.READ_WRITE, 0, length);
            map.order(ByteOrder.nativeOrder());
            int magic = (int) RingDescriptor.INT.getAcquire(map, 0);
            if (magic != MAGIC || map.getInt(4) != VERSION || map.getInt(8) != toServer || map.getInt(12) != toClient) {
                throw new IOException(path + " does not hold the segment header the client announced");
            }
            return new Segment(path, map, toServer, toClient);
        }
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
