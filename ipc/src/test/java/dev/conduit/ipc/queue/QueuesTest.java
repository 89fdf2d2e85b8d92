package dev.conduit.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConduitException;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Queues}: a queue's state, its readers' positions and lag, and moving a reader by index or time. */
class QueuesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Path dir = TempDirs.create();
    private final Path path = dir.resolve("q");
    private final String q = "queue://" + path;
    private final Conduit conduit = Conduit.builder().name("queues").build();

    @AfterEach
    void cleanUp() {
        conduit.close();
        TempDirs.delete(dir);
    }

    @Test
    void infoCountsMessagesAndGivesEachReaderItsPositionLagAndOwner() throws Exception {
        Channel<String> reader = conduit.connect(q + "?reader=busy&from=start", Codecs.text());
        append("a", "b", "c", "d");
        assertThat(reader.receive(TIMEOUT)).isEqualTo("a");
        await().atMost(TIMEOUT).until(() -> reader.property(Queues.READER_INDEX).orElse(-1L) == 1L);
        Channel<String> never = conduit.connect(q + "?reader=never", Codecs.text());
        never.close();
        never.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS); // gives the reader back before it completes

        Queues.Info info = Queues.info(path);
        assertThat(info.directory()).isEqualTo(path);
        assertThat(info.messages()).isEqualTo(4);
        assertThat(info.firstIndex()).isZero();
        assertThat(info.lastIndex()).isEqualTo(3);
        assertThat(info.nextIndex()).isEqualTo(4);
        assertThat(info.segments())
                .singleElement()
                .satisfies(s -> assertThat(s.messages()).isEqualTo(4));
        assertThat(info.readers())
                .containsExactly(
                        new Queues.Reader("busy", 1, 3, ProcessHandle.current().pid()),
                        new Queues.Reader("never", -1, -1, 0));
    }

    @Test
    void aReaderMovedToAnIndexDeliversFromThereOnItsNextChannel() throws Exception {
        append("a", "b", "c", "d");
        Queues.moveReader(path, "r", 2);
        assertThat(Queues.readers(path)).singleElement().satisfies(r -> {
            assertThat(r.nextIndex()).isEqualTo(2);
            assertThat(r.lag()).isEqualTo(2);
        });
        Channel<String> reader = conduit.connect(q + "?reader=r", Codecs.text());
        assertThat(reader.receive(TIMEOUT)).isEqualTo("c");
        assertThat(reader.receive(TIMEOUT)).isEqualTo("d");
    }

    @Test
    void aReaderMovedToATimeDeliversTheFirstMessageAppendedAtOrAfterIt() throws Exception {
        append("before");
        Instant between = Instant.now().plusMillis(2);
        await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(1))
                .until(() -> Instant.now().isAfter(between));
        // A new runtime's first append reads the system clock itself, so its time is not behind "between".
        try (Conduit other = Conduit.builder().name("later").build()) {
            other.connect(q, Codecs.text()).send("after").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        Queues.moveReader(path, "r", between);
        assertThat(conduit.connect(q + "?reader=r", Codecs.text()).receive(TIMEOUT))
                .isEqualTo("after");

        Queues.moveReader(path, "early", Instant.EPOCH);
        assertThat(conduit.connect(q + "?reader=early", Codecs.text()).receive(TIMEOUT))
                .isEqualTo("before");
    }

    @Test
    void movingAReaderThatAChannelReadsWithIsRefused() throws Exception {
        append("a");
        conduit.connect(q + "?reader=taken", Codecs.text());
        assertThatThrownBy(() -> Queues.moveReader(path, "taken", 0))
                .isInstanceOf(ConduitException.class)
                .hasMessageStartingWith("queue://" + path + ": ")
                .hasMessageContaining("taken");
    }

    @Test
    void anIndexBeyondTheEndAnInvalidNameAndAMissingQueueAreClearErrors() throws Exception {
        append("a");
        assertThatThrownBy(() -> Queues.moveReader(path, "r", 5))
                .isInstanceOf(ConduitException.class)
                .hasMessageContaining("index 5 is beyond the end")
                .hasMessageContaining("the next record will have index 1");
        assertThatThrownBy(() -> Queues.moveReader(path, "no/slashes", 0))
                .isInstanceOf(ConduitException.class)
                .hasMessageContaining("reader name 'no/slashes' is not valid");
        assertThatThrownBy(() -> Queues.info(dir.resolve("absent")))
                .isInstanceOf(ConduitException.class)
                .hasMessageContaining("no queue directory there");
    }

    private void append(String... messages) throws Exception {
        try (Channel<String> writer = conduit.connect(q, Codecs.text())) {
            for (String m : messages) {
                writer.send(m).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }
}
