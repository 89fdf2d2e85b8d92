package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.testkit.JavaCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code conduit listen shm://name --echo} in one process, {@code conduit ping} and {@code send} in another: the CLI
 * over shared memory is a cross-process affair, and leaves no segment behind.
 */
class ShmCliTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final Path dir;
    private Process listener;
    private final AtomicInteger received = new AtomicInteger();

    ShmCliTest() throws IOException {
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "cli-") : Files.createTempDirectory("cli-");
    }

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.destroy();
            assertThat(listener.waitFor(30, TimeUnit.SECONDS))
                    .as("listener exits on SIGTERM")
                    .isTrue();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("files left after the listener exited")
                    .isEmpty();
        }
        Files.deleteIfExists(dir);
    }

    /** Starts {@code conduit listen} in a child JVM; returns the URI from its first line. */
    private String listenInChildProcess(String uri, String... flags) throws Exception {
        List<String> command = new ArrayList<>(JavaCommand.of(List.of(), ConduitCli.class, "listen", uri));
        command.addAll(List.of(flags));
        listener = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        return null;
                    }
                })
                .get(60, TimeUnit.SECONDS);
        assertThat(first).startsWith("listening on shm://");
        // The listener prints every message it receives: keep reading, or a full pipe would stall its echo.
        Thread drain = new Thread(
                () -> {
                    try {
                        while (out.readLine() != null) {
                            received.incrementAndGet();
                        }
                    } catch (IOException ignored) {
                        // the listener exited
                    }
                },
                "listener-stdout");
        drain.setDaemon(true);
        drain.start();
        return first.substring("listening on ".length());
    }

    @Test
    void pingAndSendReachAnEchoListenerInAnotherProcess() throws Exception {
        String name = "cli-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
        String uri = listenInChildProcess("shm://" + name + "?dir=" + dir, "--echo");
        assertThat(uri).isEqualTo("shm://" + name + "?dir=" + dir);

        CliTest.Run ping = CliTest.run("ping", uri, "--count", "2000", "--warmup", "200", "--size", "64");
        assertThat(ping.exitCode()).as(ping.err()).isZero();
        String[] lines = ping.out().split("\n");
        assertThat(lines[0]).isEqualTo("ping " + uri + ": 2000 round trips of 64 bytes");
        assertThat(lines[lines.length - 1]).matches("rtt p50=\\d+\\.\\dus .* count=2000 size=64");

        CliTest.Run sent = CliTest.run("send", uri, "hello", "shared memory");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out().lines()).containsExactly("hello", "shared memory");
        await().atMost(Duration.ofSeconds(30)).until(() -> received.get() >= 2200 + 2);
    }

    @Test
    void tourHasAnShmRowThatVerifiesItsMessages() {
        CliTest.Run tour = CliTest.run("tour", "--round-trips", "500", "--streamed", "2000", "--transports", "shm");
        assertThat(tour.exitCode()).as(tour.out()).isZero();
        assertThat(tour.out().lines().filter(l -> l.startsWith("shm ")))
                .singleElement()
                .satisfies(row -> assertThat(row.split("\\s+")[1]).isEqualTo("2600"));
    }
}
