package dev.conduit.ipc.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.ipc.testing.TempDirs;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code sync=batch} rounds run by hand, in the order that matters: the sync thread of the syncer under test never
 * runs a round itself, so each round here happens exactly between the appends the test makes.
 */
class SyncerTest {
    private static final int SEGMENT = 64 << 10;

    private final Path root = TempDirs.create();
    private final CountDownLatch testDone = new CountDownLatch(1);
    /** The syncer's thread starts its loop only once the test is done: until then the rounds are the test's. */
    private final Syncer syncer = new Syncer(loop -> new Thread(() -> {
        awaitUninterruptibly(testDone);
        loop.run(); // closes the files the rounds opened
    }));

    private QueueDirectory dir;

    @BeforeEach
    void createQueue() throws Exception {
        dir = QueueDirectory.open(root.resolve("q"), true);
        dir.createSegment(0, SEGMENT, false);
        dir.createSegment(1, SEGMENT, false);
    }

    @AfterEach
    void cleanUp() {
        testDone.countDown();
        syncer.close();
        TempDirs.delete(root);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // the latch decides
            }
        }
    }

    @Test
    void theFirstRoundAfterAppendsToSegmentZeroSyncsSegmentZero() {
        Syncer.Dirty writer = syncer.register(dir);
        Syncer.appended(writer, 0);

        assertThat(syncer.syncBatched()).as("synced by the first round").containsExactly(dir.segmentPath(0));
        assertThat(syncer.syncBatched()).as("nothing appended since").isEmpty();
    }

    @Test
    void aRoundSyncsWhatWasAppendedSinceTheLastOneIncludingTheSegmentLeftForTheNext() {
        Syncer.Dirty writer = syncer.register(dir);
        Syncer.appended(writer, 0);
        syncer.syncBatched();

        Syncer.appended(writer, 0);
        Syncer.appended(writer, 1); // filled segment 0 and went on in segment 1 within one round
        assertThat(syncer.syncBatched()).containsExactly(dir.segmentPath(0), dir.segmentPath(1));

        Syncer.appended(writer, 1);
        assertThat(syncer.syncBatched()).containsExactly(dir.segmentPath(1));
    }

    @Test
    void aClosingWriterIsSyncedOnceMoreThenForgotten() {
        Syncer.Dirty writer = syncer.register(dir);
        Syncer.appended(writer, 0);
        syncer.forget(writer);

        assertThat(syncer.syncBatched()).containsExactly(dir.segmentPath(0));
        Syncer.appended(writer, 0); // a stray flag after the close
        assertThat(syncer.syncBatched()).as("a forgotten writer").isEmpty();
    }
}
