package dev.conduit.ipc.fifo.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Named pipes on disk. The JDK cannot create one, so {@link #create} runs {@code mkfifo} (POSIX, on every Linux and
 * macOS); a FIFO made beforehand by other means is used as it is.
 */
final class FifoFiles {
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    private FifoFiles() {}

    /** What is at a path. */
    enum Kind {
        MISSING,
        FIFO,
        OTHER
    }

    static Kind kind(Path path) throws IOException {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFIFO ? Kind.FIFO : Kind.OTHER;
        } catch (NoSuchFileException e) {
            return Kind.MISSING;
        }
    }

    /** Creates the FIFO {@code path} with permissions {@code mode}. */
    static void create(Path path, int mode) throws IOException {
        Process p = new ProcessBuilder("mkfifo", "-m", Integer.toOctalString(mode), path.toString())
                .redirectErrorStream(true)
                .start();
        try {
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("mkfifo " + path + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IOException("mkfifo " + path + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while creating " + path, e);
        }
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // left behind; the next listener reuses or replaces it
        }
    }
}
