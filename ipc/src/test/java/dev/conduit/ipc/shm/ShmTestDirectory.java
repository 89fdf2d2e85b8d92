package dev.conduit.ipc.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A fresh directory under {@code /dev/shm} (the temp directory elsewhere) for one test class's sockets and segments. */
final class ShmTestDirectory implements AutoCloseable {
    private final Path path;
    private final List<AutoCloseable> resources = new ArrayList<>();

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

    /** Closes {@code resource} in {@link #closeAllAndCheck}, before those given earlier. */
    <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    /**
     * Closes what {@link #closeLater} was given, newest first, then checks that no segment file was left behind (a
     * closed channel or listener removes its own) and deletes the directory.
     */
    void closeAllAndCheck() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        resources.clear();
        org.assertj.core.api.Assertions.assertThat(files("*.seg"))
                .as("segment files")
                .isEmpty();
        close();
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
