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
    /** The child, and the first line it printed. */
    public record Started(Process process, String firstLine) {}

    private Launch() {}

    public static Started start(Class<?> main, String... args) {
        return start(List.of(), main, args);
    }

    /** Like {@link #start(Class, String...)}, with {@code jvmArgs} for the child JVM. */
    public static Started start(List<String> jvmArgs, Class<?> main, String... args) {
        Process p;
        try {
            p = new ProcessBuilder(ChildJvm.command(jvmArgs, main, args))
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
                throw new IllegalStateException(main.getSimpleName() + " exited before printing");
            }
            return new Started(p, line);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException(main.getSimpleName() + " did not start", e);
        }
    }
}
