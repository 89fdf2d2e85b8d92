package dev.conduit.core.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ConformanceAgent} in a child JVM with this JVM's classpath, for transports whose real use crosses process
 * boundaries (shm, pipe, fifo). Its stdout's first line gives the URI; its stderr goes to this JVM's stderr. It runs
 * with this JVM's leak detection, and reports its leaks here ({@link ChildLeaks}).
 */
public final class PeerProcess implements Peer {
    private final Process process;
    private final String uri;

    private PeerProcess(Process process, String uri) {
        this.process = process;
        this.uri = uri;
    }

    /** Starts an agent process listening on {@code listenUri}; waits (up to 60 s) for its {@code listening on} line. */
    public static PeerProcess start(String listenUri, String... jvmArgs) {
        List<String> options = new ArrayList<>(List.of("-Xmx512m"));
        options.addAll(List.of(jvmArgs));
        List<String> command = JavaCommand.of(options, ConformanceAgent.class, listenUri);
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String first = line.get(60, TimeUnit.SECONDS);
            if (first == null || !first.startsWith("listening on ")) {
                throw new IllegalStateException("agent process did not start: first line " + first);
            }
            return new PeerProcess(p, first.substring("listening on ".length()).trim());
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("agent process for " + listenUri + " did not start", e);
        }
    }

    @Override
    public String uri() {
        return uri;
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    @Override
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the process is gone already
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        waitFor();
    }

    private void waitFor() {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
