package dev.conduit.ipc.shm;

import dev.conduit.ipc.testing.Launch;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM running a main class of the test classpath; its first stdout line is read as its ready signal. */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final String firstLine;

    private ChildJvm(Process process, String firstLine) {
        this.process = process;
        this.firstLine = firstLine;
    }

    static ChildJvm start(Class<?> main, String... args) {
        Launch.Started started = Launch.start(List.of("-Xmx256m"), main, args);
        return new ChildJvm(started.process(), started.firstLine());
    }

    String firstLine() {
        return firstLine;
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
