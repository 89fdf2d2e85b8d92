package dev.conduit.rpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core's channel metrics through {@link ConduitOpenTelemetry#channelMetrics()}, over tcp and shm. */
class ChannelMetricsOtelTest {
    private static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("conduit.transport");

    @TempDir
    Path dir;

    private OtelFixture otel;
    private Conduit conduit;

    @BeforeEach
    void start() {
        otel = new OtelFixture();
        conduit = Conduit.builder()
                .name("otel-channels")
                .channelMetrics(ConduitOpenTelemetry.create(otel.sdk).channelMetrics())
                .build();
    }

    @AfterEach
    void stop() {
        conduit.close();
        otel.close();
    }

    @Test
    void aKnownExchangeOverTcpAndShmIsReportedPerTransportWithGrpcStyleNamesAndUnits() throws Exception {
        exchange("tcp://127.0.0.1:0");
        exchange("shm://otel-ch-" + ProcessHandle.current().pid() + "?dir=" + dir);

        for (String transport : new String[] {"tcp", "shm"}) {
            Attributes a = Attributes.of(TRANSPORT, transport);
            // Both ends are in this runtime: "hello" and "ab" one way, "HELLO" and "AB" back, 7 bytes each way.
            assertThat(sum("conduit.channel.sent.bytes", "By", true, a))
                    .as(transport)
                    .isEqualTo(14);
            assertThat(sum("conduit.channel.sent.messages", "{message}", true, a))
                    .as(transport)
                    .isEqualTo(4);
            assertThat(sum("conduit.channel.received.bytes", "By", true, a))
                    .as(transport)
                    .isEqualTo(14);
            assertThat(sum("conduit.channel.received.messages", "{message}", true, a))
                    .as(transport)
                    .isEqualTo(4);
            assertThat(sum("conduit.listener.accepted", "{channel}", true, a))
                    .as(transport)
                    .isEqualTo(1);
            // Pending until the transport reports the write done, which may come after the peer has the message.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(gauge("conduit.channel.pending.bytes", "By", a))
                            .as(transport)
                            .isZero());
            // The exchange's client closed; the server's end closes when it sees that.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(sum("conduit.channels.open", "{channel}", false, a))
                            .as(transport)
                            .isZero());
        }
        assertThat(otel.metric("conduit.listener.refused")).isEmpty();
    }

    @Test
    void openChannelsCountUpWhileOpenAndTotalsOutliveTheRuntime() throws Exception {
        Listener<String> server = conduit.listen("tcp://127.0.0.1:0", Codecs.text(), ch -> {});
        Channel<String> client = conduit.connect(server.endpoint(), Codecs.text());
        Attributes tcp = Attributes.of(TRANSPORT, "tcp");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(sum("conduit.channels.open", "{channel}", false, tcp))
                        .isEqualTo(2));
        client.send("four").get();
        conduit.close();
        assertThat(sum("conduit.channel.sent.bytes", "By", true, tcp)).isEqualTo(4);
        assertThat(sum("conduit.channel.sent.messages", "{message}", true, tcp)).isEqualTo(1);
        assertThat(sum("conduit.channels.open", "{channel}", false, tcp)).isZero();
    }

    /** Sends "hello" and "ab" to an upper-casing echo on {@code uri}, takes both replies, and closes the client. */
    private void exchange(String uri) throws Exception {
        Listener<String> server =
                conduit.listen(uri, Codecs.text(), ch -> ch.onMessage((c, msg) -> c.offer(msg.toUpperCase())));
        try (Channel<String> client = conduit.connect(server.endpoint(), Codecs.text())) {
            client.send("hello").get();
            client.send("ab").get();
            assertThat(client.receive(Duration.ofSeconds(10))).isEqualTo("HELLO");
            assertThat(client.receive(Duration.ofSeconds(10))).isEqualTo("AB");
        }
    }

    private MetricData metric(String name, String unit) {
        MetricData m = otel.metric(name).orElseThrow(() -> new AssertionError("no metric " + name));
        assertThat(m.getUnit()).as("unit of " + name).isEqualTo(unit);
        return m;
    }

    /** The value of sum {@code name} (a counter if {@code monotonic}, else an up-down counter) at {@code a}. */
    private long sum(String name, String unit, boolean monotonic, Attributes a) {
        MetricData m = metric(name, unit);
        assertThat(m.getType()).as("type of " + name).isEqualTo(MetricDataType.LONG_SUM);
        assertThat(m.getLongSumData().isMonotonic()).as(name + " is monotonic").isEqualTo(monotonic);
        return point(name, m.getLongSumData().getPoints(), a);
    }

    private long gauge(String name, String unit, Attributes a) {
        MetricData m = metric(name, unit);
        assertThat(m.getType()).as("type of " + name).isEqualTo(MetricDataType.LONG_GAUGE);
        return point(name, m.getLongGaugeData().getPoints(), a);
    }

    private static long point(String name, Collection<LongPointData> points, Attributes a) {
        return points.stream()
                .filter(p -> p.getAttributes().equals(a))
                .mapToLong(LongPointData::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " has no point with " + a + "; it has "
                        + points.stream().map(LongPointData::getAttributes).toList()));
    }
}
