package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** An operator stops {@code conduit kv-server} with SIGTERM while a client watches: the documented, orderly path. */
class KvServerStopTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private Process server;
    private Thread watcher;

    KvServerStopTest() throws Exception {
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm)
                ? Files.createTempDirectory(shm, "kv-stop-")
                : Files.createTempDirectory("kv-stop-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (watcher != null) {
            watcher.interrupt();
            watcher.join(TimeUnit.SECONDS.toMillis(30));
        }
        try (Stream<Path> left = Files.list(dir)) {
            left.forEach(p -> p.toFile().delete());
        }
        Files.deleteIfExists(dir);
    }

    private String files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return String.join(",", s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void sigtermFreesTheShmSocketAtOnceThenEndsTheWatchWithUnavailableAndExits() throws Exception {
        String uri = "shm://kv-stop-" + ProcessHandle.current().pid() + "?dir=" + dir;
        server = CliProcess.start("kv-server", uri, "--close-timeout", "3s");
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (java.io.IOException e) {
                        return null;
                    }
                })
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first).isEqualTo("listening on " + uri);
        CompletableFuture<String> serverErr = CliProcess.read(server.getErrorStream());
        assertThat(files()).contains(".sock");

        StringWriter watched = new StringWriter();
        StringWriter watchErr = new StringWriter();
        CompletableFuture<Integer> watch = new CompletableFuture<>();
        watcher = new Thread(() -> {
            CommandLine cli = ConduitCli.commandLine();
            cli.setOut(new PrintWriter(watched, true));
            cli.setErr(new PrintWriter(watchErr, true));
            watch.complete(cli.execute("kv", uri, "watch", "fruit/"));
        });
        watcher.start();
        await().atMost(TIMEOUT).until(() -> watched.toString().contains("watching"));

        server.destroy(); // SIGTERM

        await().atMost(TIMEOUT).until(() -> files().isEmpty());
        assertThat(watch).as("the watch still runs while the server drains").isNotDone();
        assertThat(watch.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(watchErr.toString().lines())
                .containsExactly("UNAVAILABLE: the server shut down before the call completed");
        assertThat(server.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).as("a JVM ended by SIGTERM").isEqualTo(143);
        assertThat(serverErr.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("stderr: warnings only")
                .isEmpty();
        assertThat(files()).isEmpty();
    }
}
