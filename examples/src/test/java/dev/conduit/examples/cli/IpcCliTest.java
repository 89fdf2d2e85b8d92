package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code conduit listen/send/ping} over unix and fifo, {@code ping pipe:} with its own child, and the tour's rows. */
class IpcCliTest {
    private Path dir;
    private Thread listenThread;
    private CompletableFuture<Integer> listenExit;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "cli");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (listenThread != null) {
            listenThread.interrupt();
            assertThat(listenExit.get(30, TimeUnit.SECONDS)).isZero();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private StringWriter listen(String... args) {
        StringWriter out = new StringWriter();
        listenExit = new CompletableFuture<>();
        listenThread = new Thread(() -> {
            CommandLine cli = ConduitCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            listenExit.complete(cli.execute(args));
        });
        listenThread.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("\n"));
        return out;
    }

    private String uri(String scheme) {
        return scheme.equals("unix") ? "unix://" + dir.resolve("cli.sock") : "fifo://" + dir.resolve("cli");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unix", "fifo"})
    void listenSendAndPingWork(String scheme) {
        String uri = uri(scheme);
        StringWriter listened = listen("listen", uri, "--echo");
        assertThat(listened.toString().lines().findFirst()).contains("listening on " + uri);

        Run sent = CliTest.run("send", uri, "hello", "wörld");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out().lines()).containsExactly("hello", "wörld");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(listened.toString().lines()).contains("hello", "wörld"));

        Run ping = CliTest.run("ping", uri, "--count", "300", "--warmup", "20", "--size", "100");
        assertThat(ping.exitCode()).as(ping.err()).isZero();
        assertThat(ping.out().lines().reduce((a, b) -> b).orElse(""))
                .matches("rtt p50=\\d+\\.\\dus p99=\\d+\\.\\dus p99\\.9=\\d+\\.\\dus rate=\\d+/s count=300 size=100");
    }

    @Test
    void pingOverPipeSpawnsItsOwnEchoChildAndSendWorksToo() {
        Run ping = CliTest.run("ping", "pipe:", "--count", "300", "--warmup", "20");
        assertThat(ping.exitCode()).as(ping.err()).isZero();
        String[] lines = ping.out().split("\n");
        assertThat(lines[0]).matches("ping pipe:pid:\\d+: 300 round trips of 64 bytes");
        assertThat(lines[lines.length - 1]).matches("rtt p50=.* rate=\\d+/s count=300 size=64");

        Run sent = CliTest.run("send", "pipe:?framing=line", "one", "two");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out().lines()).containsExactly("one", "two");
    }

    @Test
    void theTourHasVerifiedUnixPipeAndFifoRows() {
        Run tour = CliTest.run("tour", "--round-trips", "300", "--streamed", "2000", "--transports", "unix,pipe,fifo");
        assertThat(tour.exitCode()).as(tour.out()).isZero();
        for (String transport : new String[] {"unix", "pipe", "fifo"}) {
            assertThat(tour.out().lines().filter(l -> l.startsWith(transport + " ")))
                    .as("the %s row", transport)
                    .singleElement()
                    .satisfies(row -> assertThat(row.split("\\s+")[1]).isEqualTo("2360"));
        }
    }
}
