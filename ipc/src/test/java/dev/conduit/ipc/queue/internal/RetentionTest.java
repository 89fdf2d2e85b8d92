package dev.conduit.ipc.queue.internal;

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

    private static void append(Channel<String> writer, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            writer.send(MESSAGE).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
