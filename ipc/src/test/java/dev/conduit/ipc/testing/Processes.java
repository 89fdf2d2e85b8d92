package dev.conduit.ipc.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** What a test can ask about a process by pid, including whether it lingers as a zombie. */
public final class Processes {
    private Processes() {}

    /** Whether any trace of process {@code pid} is left: running, or a zombie not yet reaped. */
    public static boolean exists(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) || Files.exists(Path.of("/proc/" + pid));
    }
}
