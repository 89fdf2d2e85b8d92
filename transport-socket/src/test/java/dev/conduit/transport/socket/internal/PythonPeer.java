package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code interop/conduit_peer.py} run by {@code python3} (standard library only). The interpreter is {@code python3}
 * on the PATH, or the {@code conduit.python} system property. Missing Python fails the test: interop is part of the
 * suite, not optional.
 */
final class PythonPeer implements AutoCloseable {
    private final Process process;
    private final BufferedReader stdout;
    private final CompletableFuture<String> stderr;

    private PythonPeer(Process process) {
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

    static PythonPeer start(String... args) {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("conduit.python", "python3"));
        command.add(script().toString());
        command.addAll(List.of(args));
        try {
            return new PythonPeer(new ProcessBuilder(command).start());
        } catch (IOException e) {
            throw new AssertionError(
                    "cannot run " + command.get(0) + " (set -Dconduit.python=/path/to/python3): " + e, e);
        }
    }

    private static Path script() {
        try {
            return Path.of(
                    PythonPeer.class.getResource("/interop/conduit_peer.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next line the script prints, waiting at most 60 s. */
    String readLine() {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String l = line.get(60, TimeUnit.SECONDS);
            assertThat(l)
                    .as("python printed a line; its stderr: %s", stderrSoFar())
                    .isNotNull();
            return l;
        } catch (Exception e) {
            throw new AssertionError("python printed nothing within 60 s; stderr: " + stderrSoFar(), e);
        }
    }

    /** The port from the script's {@code listening on <port>} line. */
    int listeningPort() {
        String line = readLine();
        assertThat(line).startsWith("listening on ");
        return Integer.parseInt(line.substring("listening on ".length()).trim());
    }

    /** Waits for the script to exit and asserts it succeeded. */
    void assertSucceeded() throws InterruptedException {
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        assertThat(exited).as("python exited within 60 s").isTrue();
        assertThat(process.exitValue())
                .as("python's exit status; its stderr: %s", stderrSoFar())
                .isZero();
    }

    private String stderrSoFar() {
        return stderr.isDone() ? stderr.join() : "(still running)";
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
