package dev.conduit.ipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's real user and group ids, from {@code /proc/self/status} (Linux). */
public final class Ids {
    private Ids() {}

    public static int uid() {
        return field("Uid:");
    }

    public static int gid() {
        return field("Gid:");
    }

    private static int field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Integer.parseInt(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(name + " not in /proc/self/status");
    }
}
