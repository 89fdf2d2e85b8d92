package dev.conduit.ipc.queue.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's effective uid: the owner of its {@code /proc} directory on Linux, else of a file it creates; -1 where
 * neither can be told.
 */
final class CurrentUser {
    private static final int UID = find();

    private CurrentUser() {}

    static int uid() {
        return UID;
    }

    private static int find() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            try {
                Path probe = Files.createTempFile("conduit-uid", ".probe");
                try {
                    return (Integer) Files.getAttribute(probe, "unix:uid");
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | RuntimeException again) {
                return -1;
            }
        }
    }
}
