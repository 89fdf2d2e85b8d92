package dev.conduit.ipc.shm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Xmx256m");
        command.add(main.getName());
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line = CompletableFuture.supplyAsync(() -> {
                        try {
                            return out.readLine();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .get(60, TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException(main.getSimpleName() + " exited before it was ready");
            }
            return new ChildJvm(p, line);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException(main.getSimpleName() + " did not start", e);
        }
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
