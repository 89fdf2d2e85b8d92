package dev.conduit.ipc.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A fresh directory under {@code /dev/shm} (the temp directory elsewhere) for one test class's sockets and segments. */
final class ShmTestDirectory implements AutoCloseable {
    private final Path path;

    ShmTestDirectory() {
        Path shm = Path.of("/dev/shm");
        try {
            path = Files.isDirectory(shm)
                    ? Files.createTempDirectory(shm, "conduit-test-")
                    : Files.createTempDirectory("conduit-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path() {
        return path;
    }

    /** {@code ?dir=...} for endpoint URIs. */
    String dirOption() {
        return "dir=" + path;
    }

    /** The names of the files in the directory that match {@code glob}, sorted. */
    List<String> files(String glob) {
        try (Stream<Path> s = Files.list(path)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n ->
                            path.getFileSystem().getPathMatcher("glob:" + glob).matches(Path.of(n)))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> s = Files.walk(path)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }
}
