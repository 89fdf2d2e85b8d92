package dev.conduit.ipc.fifo.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A lock file, opened at most once per JVM. POSIX record locks belong to the process, and closing <em>any</em>
 * descriptor of a file drops all of the process's locks on it; a listener and a client in one JVM (or two clients)
 * must therefore share one descriptor, which this class does, keyed by the file's identity and counted by users.
 * Between processes the kernel arbitrates; within this JVM, a region already locked here is reported as taken.
 */
final class LockFile implements AutoCloseable {
    private static final ReentrantLock REGISTRY = new ReentrantLock();
    private static final Map<Object, LockFile> OPEN = new HashMap<>();

    private final Object key;
    private final Path path;
    private final FileChannel channel;
    private int users;

    private LockFile(Object key, Path path, FileChannel channel) {
        this.key = key;
        this.path = path;
        this.channel = channel;
    }

    /**
     * Opens {@code path}, creating it with permissions {@code mode} if {@code create}.
     *
     * @throws NoSuchFileException if it does not exist and {@code create} is false
     * @throws IOException if it is not a regular file or cannot be opened
     */
    static LockFile open(Path path, boolean create, int mode) throws IOException {
        REGISTRY.lock();
        try {
            if (create && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createFile(path);
                    // createFile applies the umask; set exactly what was asked for
                    Files.setPosixFilePermissions(path, FifoBinding.permissions(mode));
                } catch (FileAlreadyExistsException e) {
                    // another listener made it first; it is checked like any existing file
                }
            }
            BasicFileAttributes attrs =
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                throw new IOException(path + " exists and is not a regular file; refusing to use it as a lock file");
            }
            LockFile open = OPEN.get(attrs.fileKey());
            if (open == null) {
                FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                open = new LockFile(attrs.fileKey(), path, channel);
                OPEN.put(attrs.fileKey(), open);
            }
            open.users++;
            return open;
        } finally {
            REGISTRY.unlock();
        }
    }

    /** Locks one byte at {@code position} if nobody (in this JVM or elsewhere) holds a conflicting lock. */
    @Nullable
    FileLock tryLock(long position, boolean shared) throws IOException {
        try {
            return channel.tryLock(position, 1, shared);
        } catch (OverlappingFileLockException e) {
            return null; // held in this JVM
        }
    }

    Path path() {
        return path;
    }

    /** One user less; the last one closes the descriptor, which releases whatever is still locked through it. */
    @Override
    public void close() throws IOException {
        REGISTRY.lock();
        try {
            if (--users == 0) {
                OPEN.remove(key);
                channel.close();
            }
        } finally {
            REGISTRY.unlock();
        }
    }
}
