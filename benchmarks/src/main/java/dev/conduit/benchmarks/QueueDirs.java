package dev.conduit.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Directories for the queue benchmarks: under {@code -Dbench.queue.dir} (default: the temp directory, a disk on our
 * VMs), one fresh directory per trial, deleted at its end. Ours and Chronicle's live side by side there, so both pay
 * the same file system.
 */
final class QueueDirs {
    private QueueDirs() {}

    static Path fresh(String prefix) {
        try {
            Path base = Path.of(System.getProperty("bench.queue.dir", System.getProperty("java.io.tmpdir")));
            return Files.createTempDirectory(base, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
