package dev.conduit.ipc.unix.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The file of a listening Unix socket: what may be done at a path before binding, how the file gets its mode without
 * ever being reachable with a wider one, and removal that never deletes somebody else's file.
 *
 * <pre>
 * path missing              -> bind
 * path is a socket, alive   -> refuse: a listener is accepting there
 * path is a socket, refused -> stale (its listener died): replace it
 * path is anything else     -> refuse, and never delete it
 * </pre>
 *
 * <p>Binding happens in a fresh owner-only directory beside the target; the socket gets its mode there and is then
 * renamed into place, so no other user can connect during the moment between {@code bind} (which applies the umask)
 * and {@code chmod}. Where that directory's path would be too long for {@code sun_path}, the socket is bound in place
 * and changed right after.
 */
final class SocketFile {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private SocketFile() {}

    /** What a path holds. */
    enum State {
        MISSING,
        LIVE_SOCKET,
        STALE_SOCKET,
        NOT_A_SOCKET
    }

    /** What is at {@code path}; a socket is probed with a connect. */
    static State inspect(Path path) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return State.MISSING;
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            return State.NOT_A_SOCKET;
        }
        return isAlive(path) ? State.LIVE_SOCKET : State.STALE_SOCKET;
    }

    /** Whether a listener accepts on the socket file {@code path}. */
    static boolean isAlive(Path path) throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }

    /** A short-lived owner-only directory beside {@code target} to bind in, or null if its path would be too long. */
    static @Nullable Path privateDirFor(Path target) throws IOException {
        Path parent = target.getParent();
        String name = ".c" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        Path socket = parent.resolve(name).resolve("s");
        if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1 > SocketPath.SUN_PATH_SIZE) {
            return null;
        }
        return Files.createDirectory(
                parent.resolve(name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Sets the permission bits of {@code file} to {@code mode} (0000 to 0777). */
    static void chmod(Path file, int mode) throws IOException {
        Files.setPosixFilePermissions(file, permissions(mode));
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    /**
     * Moves the bound socket {@code from} to {@code target}, replacing a stale socket there but nothing else.
     *
     * @throws FileAlreadyExistsException if something other than a stale socket appeared at {@code target}
     */
    static void moveIntoPlace(Path from, Path target) throws IOException {
        State now = inspect(target);
        if (now == State.STALE_SOCKET) {
            Files.deleteIfExists(target);
        } else if (now != State.MISSING) {
            throw new FileAlreadyExistsException(target.toString(), null, describe(now));
        }
        Files.move(from, target);
    }

    /** The identity of the file at {@code path}, or null if there is none. */
    static @Nullable Object fileKey(Path path) {
        try {
            return Files.readAttributes(
                            path, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes {@code path} if it is still the file identified by {@code key}: never a file that replaced ours. */
    static void removeIfOurs(Path path, @Nullable Object key) throws IOException {
        Object now = fileKey(path);
        if (now != null && now.equals(key)) {
            Files.deleteIfExists(path);
        }
    }

    static String describe(State state) {
        return switch (state) {
            case MISSING -> "nothing is there";
            case LIVE_SOCKET -> "a listener is already accepting on it";
            case STALE_SOCKET -> "a stale socket file is there (its listener died)";
            case NOT_A_SOCKET -> "it exists and is not a socket; refusing to replace it (remove it if it is safe)";
        };
    }
}
