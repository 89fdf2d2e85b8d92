package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.transport.socket.internal.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code conduit listen}, {@code send} and {@code ping} over tcp://, tcps:// and udp://, and the tour's socket rows. */
class SocketCliTest {
    private static final String RTT_LINE =
            "rtt p50=\\d+\\.\\dus p99=\\d+\\.\\dus p99\\.9=\\d+\\.\\dus rate=\\d+/s count=200 size=64";

    private Thread listenThread;
    private CompletableFuture<Integer> listenExit;

    @AfterEach
    void stopListener() throws Exception {
        if (listenThread != null) {
            listenThread.interrupt();
            assertThat(listenExit.get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    /** Starts {@code conduit listen} in a thread; returns the bound URI from its first line, and its output. */
    private String listen(StringWriter out, String... args) {
        listenExit = new CompletableFuture<>();
        listenThread = new Thread(() -> {
            CommandLine cli = ConduitCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            listenExit.complete(cli.execute(args));
        });
        listenThread.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("\n"));
        String first = out.toString().lines().findFirst().orElseThrow();
        assertThat(first).startsWith("listening on ");
        return first.substring("listening on ".length());
    }

    @Test
    void listenSendAndPingOverTcp() {
        StringWriter listened = new StringWriter();
        String bound = listen(listened, "listen", "tcp://127.0.0.1:0", "--echo");
        assertThat(bound).matches("tcp://127\\.0\\.0\\.1:\\d+").doesNotEndWith(":0");

        CliTest.Run sent = CliTest.run("send", bound, "hello over tcp");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out().lines()).containsExactly("hello over tcp");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(listened.toString().lines()).contains("hello over tcp"));

        CliTest.Run ping = CliTest.run("ping", bound, "--count", "200", "--warmup", "20");
        assertThat(ping.exitCode()).as(ping.err()).isZero();
        assertThat(ping.out().lines().reduce((a, b) -> b).orElseThrow()).matches(RTT_LINE);
    }

    @Test
    void lineFramingOverTcpByOption() {
        String bound = listen(new StringWriter(), "listen", "tcp://127.0.0.1:0", "--framing", "line", "--echo");
        assertThat(bound).contains("framing=line");
        CliTest.Run sent = CliTest.run("send", bound, "one line", "another");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out().lines()).containsExactly("one line", "another");
    }

    @Test
    void listenSendAndPingOverTcps() {
        TestPki pki = TestPki.get();
        String bound = listen(
                new StringWriter(),
                "listen",
                "tcps://127.0.0.1:0?" + pki.serverOptions() + "&tls.trust=" + pki.ca(),
                "--echo");
        assertThat(bound)
                .as("the printed URI is one a client can use: no server key in it")
                .startsWith("tcps://127.0.0.1:")
                .doesNotContain("tls.key")
                .contains("tls.trust=");

        CliTest.Run sent = CliTest.run("send", bound, "hello over tls");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out().lines()).containsExactly("hello over tls");

        CliTest.Run ping = CliTest.run("ping", bound, "--count", "200", "--warmup", "20");
        assertThat(ping.exitCode()).as(ping.err()).isZero();
        assertThat(ping.out().lines().reduce((a, b) -> b).orElseThrow()).matches(RTT_LINE);

        String untrusting = bound.substring(0, bound.indexOf('?'));
        CliTest.Run refused = CliTest.run("send", untrusting, "no trust");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .contains("conduit: cannot connect to " + untrusting)
                .contains("TLS handshake failed");
    }

    @Test
    void listenSendAndPingOverUdp() {
        StringWriter listened = new StringWriter();
        String bound = listen(listened, "listen", "udp://127.0.0.1:0", "--echo");
        assertThat(bound).matches("udp://127\\.0\\.0\\.1:\\d+").doesNotEndWith(":0");

        CliTest.Run sent = CliTest.run("send", bound, "hello over udp");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out().lines()).containsExactly("hello over udp");

        CliTest.Run ping = CliTest.run("ping", bound, "--count", "200", "--warmup", "20");
        assertThat(ping.exitCode()).as(ping.err()).isZero();
        assertThat(ping.out().lines().reduce((a, b) -> b).orElseThrow()).matches(RTT_LINE);
    }

    @Test
    void errorsOverSocketsAreOneLine() {
        CliTest.Run refused = CliTest.run("send", "tcp://127.0.0.1:1", "hi");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err().strip()).startsWith("conduit: cannot connect to tcp://127.0.0.1:1");
        assertThat(refused.err().lines()).hasSize(1);
    }

    @Test
    void tourHasVerifiedTcpAndUdpRows() {
        CliTest.Run tour = CliTest.run("tour", "--round-trips", "500", "--streamed", "2000", "--transports", "tcp,udp");
        assertThat(tour.exitCode()).as(tour.out()).isZero();
        for (String transport : new String[] {"tcp", "udp"}) {
            assertThat(tour.out().lines().filter(l -> l.startsWith(transport + " ")))
                    .as("the %s row", transport)
                    .singleElement()
                    .satisfies(row -> assertThat(row.split("\\s+")[1]).isEqualTo("2600"));
        }
        assertThat(tour.out()).containsPattern("tour: (\\d+)/\\1 transports verified");
    }
}
