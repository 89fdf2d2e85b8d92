package dev.conduit.core.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What a test can count of this JVM's resources: threads by name, open file descriptors. */
public final class ResourceCheck {
    private ResourceCheck() {}

    /** Names of live threads whose name starts with {@code prefix}. */
    public static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .sorted()
                .collect(Collectors.toList());
    }

    /** Open file descriptors of this process, or -1 where {@code /proc/self/fd} does not exist. */
    public static long openFileDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> s = Files.list(fds)) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
