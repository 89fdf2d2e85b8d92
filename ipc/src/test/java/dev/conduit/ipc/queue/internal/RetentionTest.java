package dev.conduit.ipc.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.testing.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retention run by hand, at the moment that matters: the next segment was prepared ahead of time and is empty while
 * writers still fill the one before, which must survive any policy.
 */
class RetentionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String MESSAGE = "m".repeat(1000);

    private final Path dir = TempDirs.create();
    private final Path path = dir.resolve("q");
    private final String q = "queue://" + path + "?segmentSize=64k";
    private final Conduit conduit = Conduit.builder().name("retention").build();

    @AfterEach
    void cleanUp() {
        conduit.close();
        TempDirs.delete(dir);
    }

    @Test
    void theSegmentWritersStillFillIsKeptWhileTheNextIsEmptyAndGoesOnceItIsFull() throws Exception {
        Channel<String> writer = conduit.connect(q, Codecs.text());
        append(writer, 40); // past the middle of segment 0: segment 1 is prepared
        Path prepared = path.resolve(String.format("%020d.seg", 1));
        await().atMost(TIMEOUT).until(() -> Files.exists(prepared));
        long created = Retention.created(prepared);
        await().atMost(TIMEOUT).until(() -> System.currentTimeMillis() > created + 1);
        QueueDirectory queue = QueueDirectory.open(path, false);

        assertThat(Retention.apply(queue, new Retention.Policy(Duration.ofMillis(1), null)))
                .as("deleted by age")
                .isZero();
        assertThat(Retention.apply(queue, new Retention.Policy(null, 1L)))
                .as("deleted over a one-byte budget")
                .isZero();
        assertThat(queue.segments()).containsExactly(0L, 1L);

        append(writer, 40); // fills segment 0 and goes on in segment 1
        assertThat(Retention.apply(queue, new Retention.Policy(Duration.ofMillis(1), null)))
                .as("segment 0, full and older than retain")
                .isEqualTo(1);
        assertThat(queue.segments()).startsWith(1L);
    }

    @Test
    void aReaderPositionThatCannotBeReadAtThatMomentKeepsEverySegmentFromAgeingOut() throws Exception {
        QueueDirectory queue = fullSegmentsOlderThanAMillisecond();
        Retention.Policy byAge = new Retention.Policy(Duration.ofMillis(1), null);
        Retention.Readers unreadable = d -> {
            throw new IOException("cannot read the position of reader lag: Too many open files");
        };

        assertThat(Retention.apply(queue, byAge, unreadable))
                .as("deleted by age while a reader's position is unknown")
                .isZero();
        assertThat(queue.segments()).startsWith(0L);
        assertThat(Retention.apply(queue, byAge, d -> 2))
                .as("deleted by age once the reader is known to need segment 2 on")
                .isEqualTo(2);
        assertThat(queue.segments()).startsWith(2L);
    }

    @Test
    void aForeignFileAmongTheReadersNeedsNothingAndAReadersPositionIsTheOldestNeeded() throws Exception {
        QueueDirectory queue = fullSegmentsOlderThanAMillisecond();
        Files.write(queue.readersDirectory().resolve("junk.pos"), new byte[] {1, 2, 3});
        assertThat(Retention.oldestNeeded(queue))
                .as("no reader stored a position")
                .isEqualTo(Long.MAX_VALUE);

        ReaderPosition lag = ReaderPosition.open(queue, "lag", true);
        try {
            lag.store(1, 0, 0);
        } finally {
            lag.close();
        }
        assertThat(Retention.oldestNeeded(queue)).isEqualTo(1);
        assertThat(Retention.apply(queue, new Retention.Policy(Duration.ofMillis(1), null)))
                .isEqualTo(1);
        assertThat(queue.segments()).startsWith(1L);
    }

    /** Segments 0 to 3 full (and 4 begun), each successor created more than a millisecond ago. */
    private QueueDirectory fullSegmentsOlderThanAMillisecond() throws Exception {
        try (Channel<String> writer = conduit.connect(q, Codecs.text())) {
            append(writer, 300);
        }
        QueueDirectory queue = QueueDirectory.open(path, false);
        long newest = queue.newestSegment();
        long created = Retention.created(queue.segmentPath(newest));
        await().atMost(TIMEOUT).until(() -> System.currentTimeMillis() > created + 1);
        assertThat(queue.segments()).startsWith(0L, 1L, 2L, 3L, 4L);
        return queue;
    }

    private static void append(Channel<String> writer, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            writer.send(MESSAGE).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
