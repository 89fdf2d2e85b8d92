package dev.conduit.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conduit.ipc.testing.ChildJvm;
import dev.conduit.ipc.testing.TempDirs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code sync=} does to the disk, seen from outside: a writer process runs under {@code strace}, which records its
 * {@code fdatasync}/{@code fsync} calls (with the file each names) and its {@code sent <i>} lines in one ordered log.
 * Skipped where {@code strace} cannot trace (not installed, or ptrace forbidden).
 */
class QueueSyncTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int SENDS = 5;

    private final Path dir = TempDirs.create();
    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void needStrace() throws Exception {
        Path probe = dir.resolve("probe.log");
        int exit;
        try {
            Process p = new ProcessBuilder(
                            "strace", "-f", "--seccomp-bpf", "-e", "trace=fsync", "-o", probe.toString(), "true")
                    .redirectErrorStream(true)
                    .start();
            exit = p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (java.io.IOException e) {
            exit = -1;
        }
        assumeTrue(exit == 0, "skipped: strace is not installed or cannot trace here");
    }

    @AfterEach
    void cleanUp() {
        children.forEach(Process::destroyForcibly);
        TempDirs.delete(dir);
    }

    @Test
    void withSyncAlwaysEverySendCompletesOnlyAfterAnFdatasyncOfItsSegment() throws Exception {
        List<String> log = run("always");
        for (int i = 0; i < SENDS; i++) {
            int sending = indexOf(log, "sending " + i);
            int sent = indexOf(log, "sent " + i);
            assertThat(sending).as("sending %d in the log", i).isNotNegative();
            assertThat(sent).as("sent %d after it", i).isGreaterThan(sending);
            assertThat(segmentSyncsBetween(log, sending, sent))
                    .as("fdatasyncs of the segment that returned while send %d was under way", i)
                    .isPositive();
        }
    }

    @Test
    void withSyncBatchSendsDoNotWaitAndASyncOfTheSegmentFollows() throws Exception {
        List<String> log = run("batch");
        assertThat(segmentSyncsBetween(log, indexOf(log, "sending " + (SENDS - 1)), log.size()))
                .as("fdatasyncs of the segment after the last send began")
                .isPositive();
    }

    @Test
    void withSyncNoneNothingIsSynced() throws Exception {
        List<String> log = run("none");
        assertThat(indexOf(log, "sent " + (SENDS - 1)))
                .as("every send completed")
                .isPositive();
        assertThat(log).as("no sync of any queue file").noneMatch(l -> l.contains("sync(") && l.contains("/q/"));
    }

    /**
     * Runs the writer with {@code sync=mode}; once it waits, gives a {@code batch} round time to show in the log (for
     * {@code batch} only: waits for it), lets it exit and returns the log.
     */
    private List<String> run(String mode) throws Exception {
        Path trace = dir.resolve(mode + ".log");
        String uri = "queue://" + dir.resolve("q") + "?sync=" + mode + "&segmentSize=64k";
        List<String> command = new ArrayList<>(List.of(
                "strace",
                "-f",
                "--seccomp-bpf",
                "-qq",
                "-y",
                "-e",
                "signal=none",
                "-e",
                "trace=fdatasync,fsync,write",
                "-o",
                trace.toString()));
        command.addAll(ChildJvm.command(List.of(), QueueSyncMain.class, uri, Integer.toString(SENDS)));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("waiting")) {
            // sent lines: the log has them too, in order with the syncs
        }
        assertThat(line).as("the writer finished its sends").isEqualTo("waiting");
        if (mode.equals("batch")) {
            try {
                await().atMost(TIMEOUT).until(() -> {
                    List<String> log = Files.readAllLines(trace);
                    return segmentSyncsBetween(log, indexOf(log, "sending " + (SENDS - 1)), log.size()) > 0;
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                Files.readAllLines(trace).stream()
                        .filter(l -> l.contains("sync") || l.contains("send"))
                        .forEach(l -> System.err.println("strace: " + l));
                throw e;
            }
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write('\n');
        }
        assertThat(p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return Files.readAllLines(trace);
    }

    /** The index of the line where the writer printed {@code line}, or -1. */
    private static int indexOf(List<String> log, String line) {
        String written = "\"" + line + "\\n\"";
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(written)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The syncs of a {@code .seg} file that returned 0 between lines {@code from} and {@code to} of the log. A call
     * that another thread's event interrupted shows as an {@code <unfinished ...>} line (with the file) and a later
     * {@code <... resumed>} line (with the result), both starting with the thread's id.
     */
    private static long segmentSyncsBetween(List<String> log, int from, int to) {
        java.util.Map<String, String> unfinished = new java.util.HashMap<>();
        long count = 0;
        for (int i = 0; i < to; i++) {
            String line = log.get(i);
            String thread = line.split(" ", 2)[0];
            String call = line;
            if (line.contains("sync(") && line.endsWith("<unfinished ...>")) {
                unfinished.put(thread, line);
                continue;
            }
            if (line.contains("sync resumed>")) {
                call = unfinished.getOrDefault(thread, "") + line;
            }
            if (i > from
                    && call.contains("sync(")
                    && call.contains(".seg>")
                    && call.trim().endsWith("= 0")) {
                count++;
            }
        }
        return count;
    }
}
