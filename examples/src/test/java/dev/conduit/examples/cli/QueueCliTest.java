package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.examples.cli.CliTest.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code conduit send} to a queue, {@code conduit tail}, {@code conduit queue info}, and the tour's queue row. */
class QueueCliTest {
    private Path dir;
    private String q;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "cliq");
        q = "queue://" + dir.resolve("q");
    }

    @AfterEach
    void tearDown() throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void sendAppendsAndTailPrintsFromTheReadersPositionUpToTheEndThenStops() {
        Run sent = CliTest.run("send", q, "a", "b", "c");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out()).as("nobody replies to an append").isEmpty();

        Run first = CliTest.run("tail", q + "?reader=r1", "--from", "start");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out().lines()).containsExactly("a", "b", "c");

        Run again = CliTest.run("tail", q + "?reader=r1");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).as("the position was stored").isEmpty();

        CliTest.run("send", q, "d");
        assertThat(CliTest.run("tail", q + "?reader=r1").out().lines()).containsExactly("d");
        assertThat(CliTest.run("tail", q + "?reader=late").out())
                .as("a new reader starts at the end")
                .isEmpty();
    }

    @Test
    void tailCountStopsAfterThatManyAndTheNextTailGoesOn() {
        CliTest.run("send", q, "a", "b", "c");
        assertThat(CliTest.run("tail", q + "?reader=r&from=start", "--count", "2")
                        .out()
                        .lines())
                .containsExactly("a", "b");
        assertThat(CliTest.run("tail", q + "?reader=r").out().lines()).containsExactly("c");
    }

    @Test
    void tailFollowPrintsMessagesAppendedWhileItWaits() throws Exception {
        CliTest.run("send", q, "before");
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread follower = new Thread(() -> {
            CommandLine cli = ConduitCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            exit.complete(cli.execute("tail", q + "?reader=f&from=start", "--follow"));
        });
        follower.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("before\n"));
        CliTest.run("send", q, "while following");
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("while following\n"));
        follower.interrupt();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString().lines()).containsExactly("before", "while following");
    }

    @Test
    void queueInfoPrintsSegmentsSizeIndicesAndEachReadersPositionAndLag() {
        CliTest.run("send", q, "a", "b", "c");
        CliTest.run("tail", q + "?reader=behind&from=start", "--count", "1");
        CliTest.run("tail", q + "?reader=idle");
        Run info = CliTest.run("queue", "info", q);
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out().lines())
                .containsExactly(
                        "queue " + dir.resolve("q"),
                        "segments 1 (0 to 0)",
                        "bytes " + (64 << 20),
                        "messages 3",
                        "first index 0",
                        "last index 2",
                        "next index 3",
                        "reader behind next 1 lag 2",
                        "reader idle no position");
    }

    @Test
    void queueInfoSaysWhichProcessReadsWithAReaderAndTailRefusesThatReaderOnOneLine() throws Exception {
        CliTest.run("send", q, "a");
        try (Conduit conduit = Conduit.builder().name("holder").build();
                Channel<String> held = conduit.connect(q + "?reader=held&from=start", Codecs.text())) {
            assertThat(held.receive(Duration.ofSeconds(30))).isEqualTo("a");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> CliTest.run("queue", "info", q).out().contains("reader held next 1"));
            assertThat(CliTest.run("queue", "info", q).out().lines())
                    .contains("reader held next 1 lag 0 in use by pid "
                            + ProcessHandle.current().pid());
            Run busy = CliTest.run("tail", q + "?reader=held");
            assertThat(busy.exitCode()).isEqualTo(1);
            assertThat(busy.err().lines())
                    .singleElement()
                    .asString()
                    .startsWith("conduit: ")
                    .contains("held");
        }
    }

    @Test
    void misuseIsAUsageErrorOnOneLine() {
        Run noReader = CliTest.run("tail", q);
        assertThat(noReader.exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(noReader.err())
                .isEqualTo("conduit: tail needs a named reader to keep its position: add ?reader=NAME to " + q
                        + " (see 'conduit tail --help')\n");
        Run notAQueue = CliTest.run("tail", "tcp://127.0.0.1:1");
        assertThat(notAQueue.exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(notAQueue.err().lines()).singleElement().asString().startsWith("conduit: tail reads queues");
        Run badFrom = CliTest.run("tail", q + "?reader=r", "--from", "yesterday");
        assertThat(badFrom.exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(CliTest.run("queue", "info").exitCode()).as("no URI").isEqualTo(ConduitCli.USAGE_ERROR);
    }

    @Test
    void errorsAreOneLineWithExitCodeOne() {
        Run missing = CliTest.run("queue", "info", "queue://" + dir.resolve("nothing-here"));
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().lines()).singleElement().asString().startsWith("conduit: queue://" + dir);
        Run listen = CliTest.run("listen", q);
        assertThat(listen.exitCode()).isEqualTo(1);
        assertThat(listen.err().lines()).singleElement().asString().contains("a queue has no listener");
    }

    @Test
    void tourHasAQueueRowThatVerifiesItsMessages() {
        Run tour = CliTest.run("tour", "--round-trips", "500", "--streamed", "2000", "--transports", "queue");
        assertThat(tour.exitCode()).as(tour.out()).isZero();
        assertThat(tour.out().lines().filter(l -> l.startsWith("queue ")))
                .singleElement()
                .satisfies(row -> assertThat(row.split("\\s+")[1])
                        .as("messages appended, tailed and verified")
                        .isEqualTo("2600"));
    }
}
