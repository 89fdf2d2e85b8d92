package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.examples.cli.BackgroundCommands.Running;
import dev.conduit.examples.cli.CliTest.Run;
import dev.conduit.transport.nats.testing.NatsServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code conduit listen/send/ping}, {@code kv-server/kv}, and {@code send/tail} to a JetStream stream over nats://,
 * through a real nats-server, and the tour's row.
 */
class NatsCliTest {
    private final BackgroundCommands background = new BackgroundCommands();
    private NatsServer server;

    @BeforeEach
    void startServer() {
        server = NatsServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        background.close();
        server.close();
    }

    @Test
    void listenSendAndPingWorkOverNats() {
        String uri = "nats://" + server.address() + "/cli.echo";
        Running listening = background.start("listen", uri, "--echo");
        await().atMost(Duration.ofSeconds(30)).until(() -> !listening.lines().isEmpty());
        assertThat(listening.lines().get(0)).isEqualTo("listening on " + uri);

        Run sent = CliTest.run("send", uri, "hello", "wörld");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out().lines()).containsExactly("hello", "wörld");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(listening.lines()).contains("hello", "wörld"));

        Run ping = CliTest.run("ping", uri, "--count", "300", "--warmup", "20", "--size", "100");
        assertThat(ping.exitCode()).as(ping.err()).isZero();
        assertThat(ping.out().lines().reduce((a, b) -> b).orElse(""))
                .matches("rtt p50=\\d+\\.\\dus p99=\\d+\\.\\dus p99\\.9=\\d+\\.\\dus rate=\\d+/s count=300 size=100");
    }

    @Test
    void kvServerAndKvWorkOverNats() {
        String uri = "nats://" + server.address() + "/cli.kv";
        assertThat(background.kvServer(uri)).containsExactly(uri);
        assertThat(CliTest.run("kv", uri, "put", "colour", "blue").exitCode()).isZero();
        Run got = CliTest.run("kv", uri, "get", "colour");
        assertThat(got.exitCode()).as(got.err()).isZero();
        assertThat(got.out().strip()).isEqualTo("blue");
        Run missing = CliTest.run("kv", uri, "get", "no-such-key");
        assertThat(missing.exitCode()).isEqualTo(2);
    }

    @Test
    void sendAppendsToAStreamAndTailPrintsFromTheReadersPositionUpToTheEndThenStops() {
        String stream = "nats://" + server.address() + "/stream/CLI";
        Run sent = CliTest.run("send", stream, "a", "b", "c");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out()).as("nobody replies to an append").isEmpty();

        Run first = CliTest.run("tail", stream + "?reader=r1", "--from", "start");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out().lines()).containsExactly("a", "b", "c");
        Run again = CliTest.run("tail", stream + "?reader=r1");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).as("the position was stored").isEmpty();

        CliTest.run("send", stream, "d");
        assertThat(CliTest.run("tail", stream + "?reader=r1").out().lines()).containsExactly("d");
        assertThat(CliTest.run("tail", stream + "?reader=late").out())
                .as("a new reader starts at the end")
                .isEmpty();
        assertThat(CliTest.run("tail", stream + "?reader=r2&from=start", "--count", "3")
                        .out()
                        .lines())
                .containsExactly("a", "b", "c");
        assertThat(CliTest.run("tail", stream + "?reader=r2").out().lines()).containsExactly("d");
    }

    @Test
    void tailFollowPrintsMessagesAppendedToAStreamWhileItWaits() throws Exception {
        String stream = "nats://" + server.address() + "/stream/FOLLOW";
        CliTest.run("send", stream, "before");
        Running following = background.start("tail", stream + "?reader=f&from=start", "--follow");
        await().atMost(Duration.ofSeconds(30)).until(() -> following.lines().contains("before"));
        CliTest.run("send", stream, "while following");
        await().atMost(Duration.ofSeconds(30)).until(() -> following.lines().contains("while following"));
        assertThat(following.lines()).containsExactly("before", "while following");
    }

    @Test
    void queueInfoOnAStreamIsAOneLineUsageErrorThatSaysWhereToLook() {
        Run info = CliTest.run("queue", "info", "nats://" + server.address() + "/stream/CLI");
        assertThat(info.exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(info.err().lines())
                .singleElement()
                .asString()
                .startsWith("conduit: queue info reads queue:// directories")
                .contains("nats stream info NAME");
    }

    @Test
    void aNatsUriWithNoServerFailsInOneLineWithoutItsPassword() {
        Run sent = CliTest.run("send", "nats://app:pw-not-shown@127.0.0.1:1/cli.none?connectTimeout=2s", "x");
        assertThat(sent.exitCode()).isEqualTo(1);
        assertThat(sent.err().lines()).hasSize(1);
        assertThat(sent.err())
                .startsWith("conduit: ")
                .contains("nats://app:***@127.0.0.1:1/cli.none")
                .doesNotContain("pw-not-shown");
    }

    @Test
    void theTourHasAVerifiedNatsRow() {
        Run tour = CliTest.run("tour", "--round-trips", "300", "--streamed", "2000");
        assertThat(tour.exitCode()).as(tour.out()).isZero();
        assertThat(tour.out().lines().filter(l -> l.startsWith("nats ")))
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .matches("nats +2360 .*nats://" + server.address().split(":")[0] + ".*"));
        assertThat(tour.out()).containsPattern("tour: (\\d+)/\\1 transports verified");
    }
}
