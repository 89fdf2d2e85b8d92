package dev.conduit.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The next segment is created ahead of time, empty, while the current one is half full. Writers and readers that
 * arrive then must still treat the current one as the end of the queue: records go there until it is full.
 */
class QueueSegmentsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Half of a 64 KiB segment is filled by 32 messages of this size, and the next one is prepared. */
    private static final int MESSAGE = 1000;

    private final Path dir = TempDirs.create();
    private final Conduit conduit = Conduit.builder().name("segments").build();
    private final Conduit late = Conduit.builder().name("late").build();

    @AfterEach
    void cleanUp() {
        late.close();
        conduit.close();
        TempDirs.delete(dir);
    }

    @Test
    void aWriterThatStartsWhileTheNextSegmentIsPreparedAppendsToTheCurrentOne() throws Exception {
        Path path = dir.resolve("q");
        String q = "queue://" + path + "?segmentSize=64k";
        Channel<String> reader = conduit.connect(q + "&reader=r&from=start", Codecs.text());
        int before = fillPastHalf(q);
        try (Channel<String> writer = late.connect(q, Codecs.text())) {
            writer.send("from a writer that came later").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        for (int i = 0; i < before; i++) {
            assertThat(reader.receive(TIMEOUT)).hasSize(MESSAGE);
        }
        assertThat(reader.receive(TIMEOUT))
                .as("the late writer's message, after the earlier ones")
                .isEqualTo("from a writer that came later");
        assertThat(Queues.info(path).lastIndex())
                .as("it went into segment 0, which still had room")
                .isEqualTo(before);
    }

    @Test
    void aReaderFromTheEndWhileTheNextSegmentIsPreparedGetsTheNextMessage() throws Exception {
        Path path = dir.resolve("q");
        String q = "queue://" + path + "?segmentSize=64k";
        int before = fillPastHalf(q);
        assertThat(Queues.info(path).nextIndex())
                .as("the end of the queue is in segment 0")
                .isEqualTo(before);
        Channel<String> reader = late.connect(q + "&reader=fromEnd", Codecs.text());
        conduit.connect(q, Codecs.text()).send("next").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reader.receive(TIMEOUT)).isEqualTo("next");
    }

    /** Appends until segment 1 has been prepared; returns how many messages were appended (all in segment 0). */
    private int fillPastHalf(String q) throws Exception {
        Path next = Path.of(q.substring("queue://".length(), q.indexOf('?'))).resolve(String.format("%020d.seg", 1));
        String message = "m".repeat(MESSAGE);
        int sent = 0;
        try (Channel<String> writer = conduit.connect(q, Codecs.text())) {
            while (sent < 40) {
                writer.send(message).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                sent++;
            }
        }
        await().atMost(TIMEOUT).until(() -> Files.exists(next));
        return sent;
    }
}
