package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's output lines are a contract that scripts rely on: these tests pin them. */
class CliTest {
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** A command's exit code and output. */
    record Run(int exitCode, String out, String err) {}

    private Thread listenThread;
    private CompletableFuture<Integer> listenExit;

    @AfterEach
    void stopListener() throws Exception {
        if (listenThread != null) {
            listenThread.interrupt();
            assertThat(listenExit.get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ConduitCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Starts {@code conduit listen} in a thread; returns its output, growing as it prints. */
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

    private static String firstLine(StringWriter out) {
        return out.toString().lines().findFirst().orElse("");
    }

    @Test
    void listenPrintsItsBoundUriFirstThenEveryMessageAndEchoes() {
        String uri = "inproc://cli-" + NAMES.incrementAndGet();
        StringWriter listened = listen("listen", uri, "--echo");
        assertThat(firstLine(listened)).isEqualTo("listening on " + uri);

        Run sent = run("send", uri, "hello", "wörld");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out().lines()).containsExactly("hello", "wörld");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(listened.toString().lines()).contains("hello", "wörld"));
    }

    @Test
    void listenPrintsBytesWithTheBytesCodec() {
        String uri = "inproc://cli-" + NAMES.incrementAndGet();
        StringWriter listened = listen("listen", uri, "--codec", "bytes");
        assertThat(run("send", uri, "AB", "--no-reply").exitCode()).isZero();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(listened.toString().lines()).contains("2 bytes: 4142"));
    }

    @Test
    void pingPrintsPercentilesAndRateOnItsLastLine() {
        String uri = "inproc://cli-" + NAMES.incrementAndGet();
        listen("listen", uri, "--echo");
        Run ping = run("ping", uri, "--count", "300", "--warmup", "20", "--size", "100");
        assertThat(ping.exitCode()).as(ping.err()).isZero();
        String[] lines = ping.out().split("\n");
        assertThat(lines[0]).isEqualTo("ping " + uri + ": 300 round trips of 100 bytes");
        assertThat(lines[lines.length - 1])
                .matches("rtt p50=\\d+\\.\\dus p99=\\d+\\.\\dus p99\\.9=\\d+\\.\\dus rate=\\d+/s count=300 size=100");
    }

    @Test
    void pingWritesThePercentileDistributionAndItsPlotBeforeTheRttLine(@TempDir Path dir) throws Exception {
        String uri = "inproc://cli-" + NAMES.incrementAndGet();
        listen("listen", uri, "--echo");
        Path hgrm = dir.resolve("ping.hgrm");
        Path png = dir.resolve("ping.png");
        Run ping = run(
                "ping", uri, "--count", "300", "--warmup", "20", "--hgrm", hgrm.toString(), "--plot", png.toString());
        assertThat(ping.exitCode()).as(ping.err()).isZero();
        List<String> lines = ping.out().lines().toList();
        assertThat(lines.subList(1, lines.size() - 1))
                .containsExactly("percentile distribution: " + hgrm, "percentile plot: " + png);

        String distribution = Files.readString(hgrm);
        assertThat(distribution
                        .lines()
                        .filter(l -> !l.isBlank())
                        .findFirst()
                        .orElseThrow()
                        .trim())
                .matches("Value\\s+Percentile\\s+TotalCount\\s+1/\\(1-Percentile\\)");
        assertThat(distribution).containsPattern("Total count\\s+=\\s+300\\]");
        // The file and the rtt line describe the same round trips: the median agrees, in microseconds.
        double median = distribution
                .lines()
                .map(String::trim)
                .map(l -> l.split("\\s+"))
                .filter(c -> c.length == 4 && c[1].equals("0.500000000000"))
                .mapToDouble(c -> Double.parseDouble(c[0]))
                .findFirst()
                .orElseThrow();
        Matcher rtt = Pattern.compile("rtt p50=(\\d+\\.\\d)us .*").matcher(lines.get(lines.size() - 1));
        assertThat(rtt.matches()).isTrue();
        assertThat(median).isCloseTo(Double.parseDouble(rtt.group(1)), within(0.05 + 1e-9));

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG").isNotNull();
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(540);
    }

    @Test
    void pingRefusesAnUnwritableFileBeforeItStarts(@TempDir Path dir) {
        String uri = "inproc://cli-" + NAMES.incrementAndGet();
        listen("listen", uri, "--echo");
        Path nowhere = dir.resolve("missing").resolve("ping.hgrm");
        Run ping = run("ping", uri, "--count", "10", "--hgrm", nowhere.toString());
        assertThat(ping.exitCode()).isEqualTo(1);
        assertThat(ping.err().lines())
                .containsExactly("conduit: cannot write " + nowhere + ": no such directory " + nowhere.getParent());
        assertThat(ping.out()).isEmpty();
    }

    @Test
    void pingFailsClearlyAgainstAPeerThatDoesNotEcho() {
        String uri = "inproc://cli-" + NAMES.incrementAndGet();
        listen("listen", uri);
        Run ping = run("ping", uri, "--count", "1", "--warmup", "0", "--timeout", "200ms");
        assertThat(ping.exitCode()).isEqualTo(1);
        assertThat(ping.err()).contains("no reply within 200ms");
    }

    @Test
    void tourPrintsTheInprocRowAndExitsZero() {
        Run tour = run("tour", "--round-trips", "500", "--streamed", "2000", "--transports", "inproc,grpc");
        assertThat(tour.exitCode()).as(tour.out()).isZero();
        assertThat(tour.out().lines().filter(l -> l.startsWith("inproc ")))
                .singleElement()
                .satisfies(row -> {
                    String[] columns = row.split("\\s+");
                    assertThat(columns[1]).as("messages exchanged and verified").isEqualTo("2600");
                    assertThat(columns[5])
                            .as("RPC unary calls made and verified")
                            .isEqualTo("600");
                    assertThat(Double.parseDouble(columns[6])).as("RPC p50").isPositive();
                    assertThat(Long.parseLong(columns[8]))
                            .as("RPC streamed msgs/s")
                            .isPositive();
                });
        assertThat(tour.out().lines().filter(l -> l.startsWith("inproc/spin ")))
                .as("inproc with the lowest-latency options")
                .singleElement()
                .satisfies(row -> assertThat(row.split("\\s+")[1]).isEqualTo("2600"));
        assertThat(tour.out().lines().filter(l -> l.startsWith("grpc ")))
                .as("the grpc row: RPC only, plain gRPC on HTTP/2")
                .singleElement()
                .satisfies(row -> {
                    String[] columns = row.split("\\s+");
                    assertThat(columns[1]).as("RPC calls verified").isEqualTo("600");
                    assertThat(columns[2]).as("no messaging columns").isEqualTo("-");
                    assertThat(columns[5])
                            .as("RPC unary calls made and verified")
                            .isEqualTo("600");
                    assertThat(Long.parseLong(columns[8]))
                            .as("RPC streamed msgs/s")
                            .isPositive();
                });
        assertThat(tour.out()).containsPattern("tour: (\\d+)/\\1 transports verified");
    }

    @Test
    void errorsAreOneLineWithExitCodeOne() {
        Run unknown = run("send", "gopher://x:1", "hi");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err().strip()).startsWith("conduit: no transport serves gopher://");
        assertThat(unknown.err().lines()).hasSize(1);

        Run nobody = run("send", "inproc://nobody-here", "hi");
        assertThat(nobody.exitCode()).isEqualTo(1);
        assertThat(nobody.err()).contains("conduit: cannot connect to inproc://nobody-here");

        Run malformed = run("ping", "not a uri");
        assertThat(malformed.exitCode()).as("a usage error").isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(malformed.err()).contains("expected scheme://address");
        assertThat(malformed.err().lines()).hasSize(1);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"listen", "send", "ping", "tour", "kv", "kv-server"}) {
            Run help = run(command, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("Usage: conduit " + command);
        }
        assertThat(run("--help").out()).contains("listen", "send", "ping", "tour");
    }
}
