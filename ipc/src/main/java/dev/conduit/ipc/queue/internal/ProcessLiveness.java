package dev.conduit.ipc.queue.internal;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether the process that left a pid in a queue file may still be running. Pids are reused, so a pid alone is not
 * enough: a process that started after the pid was seen cannot be the one that wrote it, and a reader file records
 * its owner's start time as well. Start times come from {@link ProcessHandle.Info#startInstant()}, which on Linux is
 * the boot time in whole seconds plus the start in clock ticks: the same value for the same process in every
 * caller, but up to a second earlier than the truth, which only ever errs towards "may be alive".
 *
 * <p>Every process that shares a queue must see the same pids: one pid namespace (one container, or the host).
 */
final class ProcessLiveness {
    static final int PID = Math.toIntExact(ProcessHandle.current().pid());
    /** This process's start, as other processes will compute it; 0 where the platform does not say. */
    static final long START = startMillis(ProcessHandle.current());

    private ProcessLiveness() {}

    /**
     * Whether process {@code pid}, seen in a file at {@code seenMillis} (epoch ms), may be the one that wrote it and
     * still run: it exists and did not start after it was seen. This process counts as alive.
     */
    static boolean mayBeAlive(int pid, long seenMillis) {
        if (pid == PID) {
            return true;
        }
        long start = startIfAlive(pid);
        return start == 0 || (start > 0 && start <= seenMillis);
    }

    /** Whether {@code pid} is alive and is the process that started at {@code startMillis} (0: not known). */
    static boolean isRunning(int pid, long startMillis) {
        long start = startIfAlive(pid);
        return start == 0 || (start > 0 && (startMillis == 0 || start == startMillis));
    }

    /** The start of live process {@code pid} in epoch ms, 0 if it runs but its start is not known, -1 if it does not. */
    private static long startIfAlive(int pid) {
        if (pid <= 0) {
            return -1;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return -1;
        }
        return startMillis(handle.get());
    }

    private static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
