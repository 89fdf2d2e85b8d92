package dev.conduit.ipc.queue.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes a queue file appear complete or not at all: written under a temporary name (zero-filled to its size, then
 * its header), then hard-linked to its name, which fails if the name exists, so that of several processes creating
 * the same file one wins and the others use the winner's. A crash leaves at most a temporary file, which carries the
 * creator's pid and is swept later.
 */
final class PreparedFile {
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private PreparedFile() {}

    /**
     * Creates {@code target} with {@code size} bytes and {@code header} at offset 0 unless it exists.
     *
     * @param durable whether the file and its directory entry are synced before this returns
     * @return whether this call created it
     * @throws IOException if the file cannot be written, for example for lack of space (nothing is left behind then)
     */
    static boolean publish(QueueDirectory dir, Path target, long size, ByteBuffer header, boolean durable)
            throws IOException {
        Path temp = dir.temporaryFor(target);
        boolean linked = false;
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel file = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer zeros = ZEROS.duplicate();
                for (long at = 0; at < size; ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
                    at += file.write(zeros, at);
                }
                ByteBuffer h = header.duplicate().clear();
                while (h.hasRemaining()) {
                    file.write(h, h.position());
                }
                if (durable) {
                    file.force(true);
                }
            }
            try {
                Files.createLink(target, temp);
                linked = true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        if (durable) {
            syncDirectory(target.getParent());
        }
        return linked;
    }

    /** Makes a new name in {@code dir} durable: on Linux, {@code fsync} of the directory itself. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Linux")) {
                return; // other systems may not open directories; their file sync is all there is
            }
            throw e;
        }
    }
}
