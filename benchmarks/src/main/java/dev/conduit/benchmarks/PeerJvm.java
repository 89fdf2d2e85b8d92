package dev.conduit.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a benchmark's peer process: this JVM's java binary and class path running {@code main}. The
 * JVM's own messages go to stderr, so that stdout carries only what the peer writes there.
 */
final class PeerJvm {
    private PeerJvm() {}

    static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+DisplayVMOutputToStderr",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
