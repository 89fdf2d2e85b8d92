package dev.conduit.examples.tour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.transport.nats.testing.NatsServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tour's {@code nats} row where no nats-server is installed, how the tour looks for one, and how it starts one (a
 * real nats-server; skipped without one unless NATS is required, as in CI).
 */
class TourNatsRowTest {

    @Test
    void withoutANatsServerTheRowSaysWhyItIsSkippedAndIsNotCounted() {
        StringWriter out = new StringWriter();
        List<TourResult> results = new Tour(200, 500, 2, Set.of("inproc", "nats"), Optional::empty)
                .run(new PrintWriter(out, true), new PrintWriter(new StringWriter()), false);

        assertThat(results).extracting(TourResult::name).containsExactly("inproc", "inproc/spin", "nats");
        assertThat(out.toString().lines().filter(l -> l.startsWith("nats ")))
                .singleElement()
                .satisfies(l -> assertThat(l.split("\\s+", 3))
                        .containsExactly(
                                "nats",
                                "skipped",
                                "no nats-server on the PATH or in /usr/sbin (install the nats-server package to see"
                                        + " this row)"));
        assertThat(out.toString()).contains("tour: 1/1 transports verified").doesNotContain("spin rows skipped");
    }

    @Test
    void theNatsServerIsLookedForOnThePathThenInTheOtherDirectories(@TempDir Path dir) throws Exception {
        assertThat(TourNatsServer.find(dir.toString(), List.of())).isEmpty();
        Path program = Files.createFile(dir.resolve("nats-server"));
        assertThat(TourNatsServer.find("/nonexistent:" + dir, List.of())).isEmpty(); // not executable yet
        assertThat(program.toFile().setExecutable(true)).isTrue();
        assertThat(TourNatsServer.find("/nonexistent:" + dir, List.of())).contains(program);
        assertThat(TourNatsServer.find("", List.of(dir.toString()))).contains(program);
    }

    @Test
    void theServerIsReachedOnThePortItPickedAndStopsWhenClosed() throws Exception {
        Path program = NatsServer.assumeInstalled();
        Process child;
        try (TourNatsServer server = TourNatsServer.start(program)) {
            assertThat(server.address()).matches("127\\.0\\.0\\.1:\\d+");
            child = server.process();
            String[] hostPort = server.address().split(":");
            try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                s.setSoTimeout(10_000);
                byte[] greeting = s.getInputStream().readNBytes(5);
                assertThat(new String(greeting, StandardCharsets.US_ASCII))
                        .as("a NATS server greets with INFO")
                        .isEqualTo("INFO ");
            }
        }
        assertThat(child.isAlive()).as("nats-server after close").isFalse();
    }

    @Test
    void aProgramThatExitsBeforeListeningFailsTheStartWithItsLastLine(@TempDir Path dir) throws Exception {
        Path program = dir.resolve("nats-server");
        Files.writeString(
                program, "#!/bin/sh\necho 'starting'\necho '[FTL] cannot listen: no such thing' >&2\nexit 1\n");
        assertThat(program.toFile().setExecutable(true)).isTrue();

        assertThatThrownBy(() -> TourNatsServer.start(program))
                .isInstanceOf(IOException.class)
                .hasMessage(program + " exited before it listened: [FTL] cannot listen: no such thing");
    }

    @Test
    void aStartInterruptedWhileItWaitsStopsTheServerItStarted(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        Path program = dir.resolve("nats-server");
        Files.writeString(program, "#!/bin/sh\necho $$ > '" + pidFile + "'\nexec sleep 600\n"); // never listens
        assertThat(program.toFile().setExecutable(true)).isTrue();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                TourNatsServer.start(program).close();
                outcome.complete(new AssertionError("started a program that never listens"));
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        starter.start();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        try {
            starter.interrupt();
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            await("the started program is stopped")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            starter.join(10_000);
        }
    }
}
