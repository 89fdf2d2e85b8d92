package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Long-lived CLI commands ({@code kv-server}, a streaming {@code call}) run in threads of the test, in-process, with
 * their output growing as they print. Closing interrupts each and checks it exited with the code expected of it.
 */
final class BackgroundCommands implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A command running in a thread: its output so far, and its exit code once it ends. */
    record Running(Thread thread, StringWriter out, StringWriter err, CompletableFuture<Integer> exit) {
        List<String> lines() {
            return out.toString().lines().toList();
        }
    }

    private final List<Running> running = new ArrayList<>();
    private final List<Integer> expectedExits = new ArrayList<>();

    /** Starts {@code args} in a thread; it must exit 0 when interrupted at close. */
    Running start(String... args) {
        return start(0, args);
    }

    /** Starts {@code args} in a thread; it must have exited with {@code expectedExit} by close (or when interrupted). */
    Running start(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            CommandLine cli = ConduitCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            exit.complete(cli.execute(args));
        });
        t.start();
        Running r = new Running(t, out, err, exit);
        running.add(r);
        expectedExits.add(expectedExit);
        return r;
    }

    /** Starts {@code conduit kv-server URI...} and returns the bound URIs from its {@code listening on} lines. */
    List<String> kvServer(String... uris) {
        String[] args = new String[uris.length + 1];
        args[0] = "kv-server";
        System.arraycopy(uris, 0, args, 1, uris.length);
        Running server = start(args);
        await().atMost(WAIT)
                .until(() ->
                        server.lines().size() >= uris.length || server.exit().isDone());
        assertThat(server.lines()).as(server.err().toString()).hasSize(uris.length);
        return server.lines().stream()
                .map(l -> {
                    assertThat(l).startsWith("listening on ");
                    return l.substring("listening on ".length());
                })
                .toList();
    }

    @Override
    public void close() throws Exception {
        running.forEach(r -> r.thread().interrupt());
        for (int i = 0; i < running.size(); i++) {
            Running r = running.get(i);
            assertThat(r.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("exit code; stderr: " + r.err())
                    .isEqualTo(expectedExits.get(i));
        }
    }
}
