package dev.conduit.ipc.queue.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue's directory and the names in it:
 *
 * <pre>
 *  /var/q/orders/                          owner-only (0700), owned by the user of every process that uses it
 *    00000000000000000000.seg              segments, named by number; a record never spans two
 *    00000000000000000001.seg
 *    .00000000000000000002.seg.4711.tmp    a segment being prepared by process 4711, named once complete
 *    readers/billing.pos                   the stored position of reader "billing"
 * </pre>
 *
 * Anything else in the directory is ignored and left alone. Thread-safe: it holds only the path.
 */
final class QueueDirectory {
    private static final Logger log = LoggerFactory.getLogger(QueueDirectory.class);
    private static final Pattern SEGMENT = Pattern.compile("(\\d{20})\\.seg");
    private static final Pattern TEMP = Pattern.compile("\\..+\\.(?:seg|pos)\\.(\\d+)\\.\\d+\\.tmp");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    private final Path path;

    private QueueDirectory(Path path) {
        this.path = path;
    }

    /**
     * The queue at {@code path}, created owner-only if absent (its parents too, with default permissions), and
     * checked: a real directory (not a link), owned by this process's user, writable by nobody else.
     *
     * @throws IOException saying which check failed and what was expected
     */
    static QueueDirectory open(Path path, boolean create) throws IOException {
        Path dir = path.toAbsolutePath().normalize();
        if (create && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR); // the umask may have taken bits away
            } catch (FileAlreadyExistsException e) {
                // made by another process just now: checked below like any other
            }
        }
        check(dir);
        QueueDirectory queue = new QueueDirectory(dir);
        if (create) {
            Path readers = queue.readersDirectory();
            try {
                Files.createDirectory(readers, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (FileAlreadyExistsException e) {
                // there already
            }
            check(readers);
        }
        queue.sweepStaleTemporaries();
        return queue;
    }

    private static void check(Path dir) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(dir.toString(), null, "no queue directory there");
        }
        if (attributes.isSymbolicLink() || !attributes.isDirectory()) {
            throw new IOException(dir + " is not a directory" + (attributes.isSymbolicLink() ? " but a link" : "")
                    + "; a queue needs a directory of its own");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int me = CurrentUser.uid();
        if (me >= 0 && owner != me) {
            throw new IOException(dir + " belongs to uid " + owner + ", not to this process's uid " + me
                    + "; a queue is used only by processes of its owner");
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + " is writable by other users (" + PosixFilePermissions.toString(permissions)
                    + "); expected rwx------ so that nobody else can add, replace or remove its files");
        }
    }

    Path path() {
        return path;
    }

    Path readersDirectory() {
        return path.resolve("readers");
    }

    Path segmentPath(long number) {
        return path.resolve(String.format("%020d.seg", number));
    }

    /** A fresh name for a file being prepared here, for the final {@code name}; its pid lets a sweep remove it. */
    Path temporaryFor(Path target) {
        return target.resolveSibling(
                "." + target.getFileName() + "." + ProcessLiveness.PID + "." + System.nanoTime() + ".tmp");
    }

    /** The numbers of the segments present, in order. */
    List<Long> segments() throws IOException {
        List<Long> numbers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(path, "*.seg")) {
            for (Path file : files) {
                Matcher m = SEGMENT.matcher(file.getFileName().toString());
                if (m.matches()) {
                    numbers.add(Long.parseLong(m.group(1)));
                }
            }
        }
        Collections.sort(numbers);
        return numbers;
    }

    /** The names of the readers with a file here, sorted. */
    List<String> readers() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(readersDirectory(), "*.pos")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                name = name.substring(0, name.length() - ".pos".length());
                if (ReaderPosition.NAME.matcher(name).matches()) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        Collections.sort(names);
        return names;
    }

    /** The highest segment number present, or -1 for an empty queue. */
    long newestSegment() throws IOException {
        List<Long> all = segments();
        return all.isEmpty() ? -1 : all.get(all.size() - 1);
    }

    /** Maps segment {@code number}; {@link NoSuchFileException} if it is not there. */
    SegmentFile open(long number, boolean writable) throws IOException {
        return SegmentFile.open(segmentPath(number), number, writable);
    }

    /**
     * Creates segment {@code number} unless it exists: zero-filled in a temporary file (so that a full disk fails
     * here, with an {@link IOException}, and never later as a fault on a mapped page), given its header, and then
     * linked to its name, which makes it appear whole and lets only one of several racing creators win.
     *
     * @return whether this call created it
     */
    boolean createSegment(long number, int fileSize, boolean durable) throws IOException {
        Path target = segmentPath(number);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        boolean created =
                PreparedFile.publish(this, target, fileSize, SegmentFile.header(number, fileSize, now()), durable);
        if (created) {
            log.debug("created {}", target);
        }
        return created;
    }

    /** Removes, once per directory and JVM, temporary files whose creating process no longer exists. */
    private void sweepStaleTemporaries() {
        if (!SWEPT.add(path)) {
            return;
        }
        for (Path dir : List.of(path, readersDirectory())) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.tmp")) {
                for (Path file : files) {
                    Matcher m = TEMP.matcher(file.getFileName().toString());
                    if (m.matches() && !ProcessLiveness.mayBeAlive(Integer.parseInt(m.group(1)), now())) {
                        log.info("removing {}, left by dead process {}", file, m.group(1));
                        Files.deleteIfExists(file);
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.debug("could not sweep temporary files in {}", dir, e);
            }
        }
    }

    static long now() {
        return System.currentTimeMillis();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
