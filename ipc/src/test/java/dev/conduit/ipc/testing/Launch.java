package dev.conduit.ipc.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts a child JVM running {@code main} and waits for the first line of its stdout. */
public final class Launch {
    /** The child, the first line it printed, and the rest of its stdout to read on. */
    public record Started(Process process, String firstLine, BufferedReader out) {}

    private Launch() {}

    public static Started start(Class<?> main, String... args) {
        return start(List.of(), main, args);
    }

    /** Like {@link #start(Class, String...)}, with {@code jvmArgs} for the child JVM. */
    public static Started start(List<String> jvmArgs, Class<?> main, String... args) {
        return start(ChildJvm.command(jvmArgs, main, args), main.getSimpleName());
    }

    /** Runs {@code command} (a child named {@code name} in messages) and waits for the first line of its stdout. */
    public static Started start(List<String> command, String name) {
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
                throw new IllegalStateException(name + " exited before printing");
            }
            return new Started(p, line, out);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not start", e);
        }
    }
}
