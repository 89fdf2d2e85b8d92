package dev.conduit.transport.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.EndpointException;
import dev.conduit.transport.nats.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What goes wrong around a JetStream stream is refused with one line that says what was expected. */
class NatsStreamErrorsTest {
    private final Conduit conduit = Conduit.builder().name("stream-errors").build();
    private NatsServer server;

    @AfterEach
    void close() {
        conduit.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aServerWithoutJetStreamIsRefusedSayingHowToTurnItOn() {
        server = NatsServer.withoutJetStream();
        assertThatThrownBy(() -> conduit.connect("nats://" + server.address() + "/stream/ORDERS", Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("nats://" + server.address() + "/stream/ORDERS")
                .hasMessageContaining("JetStream is not enabled")
                .hasMessageContaining("-js");
    }

    @Test
    void aStreamWhoseSubjectsDoNotTakeItsNameIsRefusedNamingThem() throws Exception {
        server = NatsServer.start();
        try (Connection admin = Nats.connect(server.url())) {
            admin.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name("OPS")
                            .subjects("ops.>")
                            .storageType(StorageType.Memory)
                            .build());
        }
        assertThatThrownBy(() -> conduit.connect("nats://" + server.address() + "/stream/OPS", Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("stream OPS exists with subjects [ops.>]")
                .hasMessageContaining("subject OPS");
    }

    @Test
    void anOperatorsStreamKeepsItsOwnReplicasAndStorage() throws Exception {
        server = NatsServer.start();
        try (Connection admin = Nats.connect(server.url())) {
            admin.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name("MADE")
                            .subjects("MADE", "other")
                            .storageType(StorageType.Memory)
                            .build());
            Channel<String> c = conduit.connect(
                    "nats://" + server.address() + "/stream/MADE?replicas=3&reader=r&from=start", Codecs.text());
            c.send("kept").get(30, TimeUnit.SECONDS);
            assertThat(c.receive(Duration.ofSeconds(30))).isEqualTo("kept");
            StreamConfiguration after =
                    admin.jetStreamManagement().getStreamInfo("MADE").getConfiguration();
            assertThat(after.getReplicas())
                    .as("replicas= applies only to a stream Conduit creates")
                    .isEqualTo(1);
            assertThat(after.getStorageType()).isEqualTo(StorageType.Memory);
        }
    }

    @Test
    void badNamesAndOptionsAreRefusedBeforeAnythingConnects() {
        assertThatThrownBy(() -> conduit.connect("nats://127.0.0.1:1/stream/ORDERS?reader=bad.name", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("reader 'bad.name'")
                .hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> conduit.connect("nats://127.0.0.1:1/stream/OR.DERS", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("stream 'OR.DERS'");
        assertThatThrownBy(() -> conduit.connect("nats://127.0.0.1:1/orders?reader=r", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("reader=")
                .hasMessageContaining("JetStream streams only");
        assertThatThrownBy(() -> conduit.listen("nats://127.0.0.1:1/stream/ORDERS", Codecs.text()))
                .isInstanceOf(BindFailedException.class)
                .hasMessageContaining("has no listener");
    }

    @Test
    void moreReplicasThanTheClusterHasIsRefusedSayingWhy() {
        server = NatsServer.start();
        assertThatThrownBy(
                        () -> conduit.connect("nats://" + server.address() + "/stream/WIDE?replicas=3", Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("cannot create stream WIDE with replicas=3");
    }
}
