package dev.conduit.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A forked {@link RpcPeerMain}: a JVM started from this JVM's java binary and class path, with a temporary directory
 * of its own (under {@code /dev/shm} where there is one, so that shm's segments live in memory, not in a file system
 * that writes back). Every wait is bounded: a server that dies or never says where it listens fails with the last
 * lines of its stderr. Used by one thread at a time, except {@link #cpuNanos}, which any thread may call.
 */
final class RpcPeerProcess implements AutoCloseable {
    private static final long START_SECONDS = 30;
    private static final long EXIT_SECONDS = 10;
    private static final int STDERR_LINES = 20;

    private final Path dir;
    private final Path stderr;
    private final Process process;
    private final String uri;
    /** Kills the server and deletes its directory if this JVM exits without {@link #close}, as JMH's on a failure. */
    private final Thread cleanUp;

    /** Starts the server on {@code transport} with the option set {@code options}; returns once it listens. */
    RpcPeerProcess(String transport, String options) throws IOException, InterruptedException {
        dir = Files.createTempDirectory(tempRoot(), "conduit-rpc-peer-");
        stderr = dir.resolve("server.stderr");
        process = new ProcessBuilder(PeerJvm.command(RpcPeerMain.class, transport, options, dir.toString()))
                .redirectError(stderr.toFile())
                .start();
        cleanUp = new Thread(this::kill, "rpc-peer-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            uri = awaitUri();
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    private static Path tempRoot() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Reads stdout on a thread of its own until the endpoint line, then drains it so the child never blocks. */
    private String awaitUri() throws InterruptedException {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> readStdout(ready), "rpc-peer-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return ready.get(START_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw failure("printed no endpoint within " + START_SECONDS + " s");
        } catch (ExecutionException e) {
            // Its stdout ends as it exits: give it the moment to, so that the failure can say how it ended.
            process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS);
            throw failure("ended its output without printing its endpoint");
        }
    }

    private void readStdout(CompletableFuture<String> ready) {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(RpcPeerMain.READY)) {
                    ready.complete(line.substring(RpcPeerMain.READY.length()));
                }
            }
            ready.completeExceptionally(new IllegalStateException("end of stdout"));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
    }

    /** The URI the server listens on, with the options it listens with. */
    String uri() {
        return uri;
    }

    /**
     * The CPU time, in nanoseconds, that the server process (all its threads) has used so far; Linux counts it in
     * clock ticks of 10 ms.
     */
    long cpuNanos() {
        if (!process.isAlive()) {
            throw failure("died during the trial");
        }
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .orElseThrow(() -> failure("has no CPU time to read"))
                .toNanos();
    }

    /** {@code cause} if the server still runs; otherwise a failure that says how it ended, with its stderr. */
    RuntimeException explain(RuntimeException cause) {
        if (process.isAlive()) {
            return cause;
        }
        IllegalStateException died = failure("died during the trial");
        died.initCause(cause);
        return died;
    }

    private IllegalStateException failure(String what) {
        String exit = process.isAlive() ? "still running" : "exit code " + process.exitValue();
        return new IllegalStateException(
                "RPC server process " + process.pid() + " " + what + " (" + exit + "); its stderr: " + stderrTail());
    }

    private String stderrTail() {
        try {
            List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - STDERR_LINES), lines.size());
            return tail.isEmpty() ? "(empty)" : String.join(" | ", tail);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Closes the server's stdin so that it shuts down, kills it if it has not within the bound, and cleans up. */
    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Its stdin is gone already: the process has ended, or is killed below.
        }
        if (!process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            if (!process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("RPC server process " + process.pid() + " survived a kill for "
                        + EXIT_SECONDS + " s; its directory " + dir + " is left");
            }
        }
        QueueDirs.delete(dir);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanUp);
        } catch (IllegalStateException e) {
            // This JVM is exiting already; the hook finds the work done.
        }
    }

    private void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (Files.exists(dir)) {
            QueueDirs.delete(dir);
        }
    }
}
