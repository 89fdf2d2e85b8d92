package dev.conduit.ipc.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@link RelayMain} in a child JVM, started and waited for until it prints {@code ready}. */
public final class RelayProcess implements AutoCloseable {
    private final Process process;

    private RelayProcess(Process process) {
        this.process = process;
    }

    /** Starts a relay with its own agent on {@code agentUri}, listening on {@code fronts}. */
    public static RelayProcess start(String agentUri, List<String> fronts) {
        List<String> args = new ArrayList<>(List.of("--agent", agentUri));
        for (String f : fronts) {
            args.add("--front");
            args.add(f);
        }
        Process p;
        try {
            p = new ProcessBuilder(ChildJvm.command(List.of(), RelayMain.class, args.toArray(new String[0])))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            String first = CompletableFuture.supplyAsync(() -> {
                        try {
                            return out.readLine();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .get(60, TimeUnit.SECONDS);
            if (!"ready".equals(first)) {
                throw new IllegalStateException("relay did not start: first line " + first);
            }
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("relay did not start", e);
        }
        return new RelayProcess(p);
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, and wait until it is gone. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Ends it through its stdin, as it expects, killing it if it does not go within 20 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // gone already
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
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
