package dev.conduit.core.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child process a test talks to by lines: its stdout read a line at a time with a timeout, its whole stderr kept to
 * explain a failure. Used for peers written in other languages (the Python peers), whose first lines announce where
 * they listen.
 *
 * <p>One test thread reads lines; {@link #close()} may come from any thread.
 */
public final class ChildLines implements AutoCloseable {
    private final String name;
    private final Process process;
    private final BufferedReader stdout;
    private final CompletableFuture<String> stderr;

    private ChildLines(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(stderr unreadable: " + e + ")";
            }
        });
    }

    /**
     * Starts {@code command}; {@code name} says what it is in failure messages (e.g. "the Python peer").
     *
     * @throws AssertionError when the program cannot be run, with {@code hint} on how to make it runnable
     */
    public static ChildLines start(String name, List<String> command, String hint) {
        try {
            return new ChildLines(name, new ProcessBuilder(command).start());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + " (" + hint + "): " + e, e);
        }
    }

    /**
     * The next line the child prints, waiting at most {@code seconds}.
     *
     * @throws AssertionError when it exits or stays silent first, with its stderr
     */
    public String readLine(int seconds) {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String l = line.get(seconds, TimeUnit.SECONDS);
            if (l == null) {
                throw new AssertionError(name + " exited; its stderr: " + stderrSoFar());
            }
            return l;
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(
                    name + " printed nothing within " + seconds + " s; its stderr: " + stderrSoFar(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Waits at most {@code seconds} for the child to exit and returns its exit status.
     *
     * @throws AssertionError when it is still running then
     */
    public int exitStatus(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not exit within " + seconds + " s");
        }
        return process.exitValue();
    }

    /** Everything the child wrote to stderr, once it has exited; "(still running)" before. */
    public String stderrSoFar() {
        return process.isAlive() ? "(still running)" : stderr.join();
    }

    /** Closes the child's stdin (the Python servers' signal to stop). */
    public void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** Stops the child: waits up to {@code graceSeconds} for it to exit on its own, then kills it. */
    public void stop(int graceSeconds) throws InterruptedException {
        if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Kills the child at once and waits (up to 10 s) for it to be gone. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
