package dev.conduit.ipc.shm.internal;

import dev.conduit.ipc.internal.Uids;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where shm files live and what they are called: {@code conduit-shm-<name>.sock} for a listener's control socket and
 * {@code conduit-shm-<name>-<pid>-<random>.seg} for a segment, {@code pid} being the creating client's and {@code
 * random} 64 bits from a {@link SecureRandom}, so that nobody can create a file under a client's next name ahead of
 * it. The pid lets a later process remove segments whose creator died in the instant between creating and handing
 * them over.
 */
final class ShmFiles {
    private static final Logger log = LoggerFactory.getLogger(ShmFiles.class);
    private static final String PREFIX = "conduit-shm-";
    private static final Pattern SEGMENT = Pattern.compile("conduit-shm-.+-(\\d+)-[0-9a-f]+\\.seg");
    /** The longest path a Unix socket address may have on Linux (108 bytes with the terminating NUL). */
    static final int MAX_SOCKET_PATH = 107;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    private ShmFiles() {}

    /** {@code /dev/shm} where it exists and is writable, else the temp directory. */
    static Path defaultDirectory() {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm;
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    static Path socketPath(Path dir, String name) {
        return dir.resolve(PREFIX + name + ".sock");
    }

    /** A fresh, unguessable segment name in {@code dir}; see {@link Segment#create} for how it is created. */
    static Path newSegmentPath(Path dir, String name) {
        return dir.resolve(PREFIX + name + "-" + ProcessHandle.current().pid() + "-"
                + String.format("%016x", RANDOM.nextLong()) + ".seg");
    }

    /** Whether {@code path} could be a segment file in {@code dir}: the server maps nothing else. */
    static boolean isSegmentPath(Path dir, Path path) {
        Path normal = path.normalize();
        return normal.isAbsolute()
                && dir.toAbsolutePath().normalize().equals(normal.getParent())
                && SEGMENT.matcher(normal.getFileName().toString()).matches();
    }

    /**
     * Removes, once per directory and JVM, the segment files of this user's processes that no longer exist. Files of
     * other users are left alone, whoever may delete them.
     */
    static void sweepStaleSegments(Path dir) {
        if (!SWEPT.add(dir.toAbsolutePath().normalize())) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*.seg")) {
            for (Path file : files) {
                Matcher m = SEGMENT.matcher(file.getFileName().toString());
                if (m.matches() && !alive(Long.parseLong(m.group(1))) && Uids.ownerOf(file) == Uids.own()) {
                    log.info("removing the segment {} left by dead process {}", file, m.group(1));
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("could not sweep stale segments in {}", dir, e);
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).isPresent();
    }
}
