package dev.conduit.transport.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.transport.nats.NatsStreams;
import dev.conduit.transport.nats.testing.NatsServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reader's stored position on a stream, as the channel reports it ({@link NatsStreams}) and as its next channel
 * resumes from it, including for a reader that has delivered nothing yet.
 */
class NatsStreamPositionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Conduit conduit = Conduit.builder().name("stream-position").build();
    private final NatsServer server = NatsServer.start();

    @AfterEach
    void close() {
        conduit.close();
        server.close();
    }

    @Test
    void aReaderThatDeliveredNothingKeepsItsStartAcrossChannels() throws Exception {
        String stream = "nats://" + server.address() + "/stream/POS";
        Channel<String> writer = conduit.connect(stream, Codecs.text());
        for (String m : new String[] {"a", "b", "c"}) {
            writer.send(m).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(writer.property(NatsStreams.NEXT_INDEX)).contains(4L);

        Channel<String> late = conduit.connect(stream + "?reader=late", Codecs.text());
        assertThat(late.property(NatsStreams.READER_INDEX)).as("from=end").contains(4L);
        late.close();
        late.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        writer.send("d").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Channel<String> again = conduit.connect(stream + "?reader=late", Codecs.text());
        assertThat(again.property(NatsStreams.READER_INDEX))
                .as("still where it started")
                .contains(4L);
        assertThat(again.receive(TIMEOUT)).isEqualTo("d");
        assertThat(again.property(NatsStreams.READER_INDEX)).contains(5L);
        assertThat(again.receive(Duration.ofMillis(300)))
                .as("nothing before its start")
                .isNull();
    }
}
