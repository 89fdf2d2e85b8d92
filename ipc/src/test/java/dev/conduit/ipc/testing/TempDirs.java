package dev.conduit.ipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Short temporary directories for socket and FIFO files ({@code sun_path} is 108 bytes), removed by the caller. */
public final class TempDirs {
    private TempDirs() {}

    /** A fresh directory under {@code /tmp} with a short name. */
    public static Path create() {
        try {
            return Files.createTempDirectory(Path.of("/tmp"), "cq");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything in it. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the entries of {@code dir}, sorted. */
    public static java.util.List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
