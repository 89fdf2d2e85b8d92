package dev.conduit.ipc.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.ipc.queue.RecordsLostException;
import dev.conduit.ipc.testing.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tailer at the end of a segment, looking for the next one, with the writers' steps interleaved by hand: the next
 * segment missing at one look and there at the next is a race, not a loss; a segment missing while a newer one was
 * there first is a loss.
 */
class TailerTest {
    private static final int SEGMENT = 64 << 10;
    private static final Tailer.Delivery NOTHING_EXPECTED = (payload, segment, end, sequence) -> {
        throw new AssertionError("no message was appended");
    };

    private final Path root = TempDirs.create();
    private QueueDirectory dir;
    private Tailer tailer;

    @BeforeEach
    void sealedFirstSegment() throws Exception {
        dir = QueueDirectory.open(root.resolve("q"), true);
        dir.createSegment(0, SEGMENT, false);
        SegmentFile first = dir.open(0, true);
        assertThat(first.seal(0, ProcessLiveness.PID)).as("sealed").isZero(); // a writer moving on pads the rest
        first.unmap();
    }

    @AfterEach
    void cleanUp() {
        if (tailer != null) {
            tailer.close();
        }
        TempDirs.delete(root);
    }

    @Test
    void theNextSegmentAndANewerOneMadeRightAfterALookThatMissedThemAreNoLoss() throws Exception {
        // Between the tailer's look for segment 1 and its listing, a writer makes segment 1, fills half of it, and
        // the preparer makes segment 2: on a loaded machine a descheduled poller thread sees exactly this.
        Tailer.Segments writersRaceTheLook = new Tailer.Segments() {
            private boolean raced;

            @Override
            public SegmentFile open(long number) throws IOException {
                try {
                    return dir.open(number, true);
                } catch (NoSuchFileException e) {
                    if (!raced) {
                        raced = true;
                        dir.createSegment(1, SEGMENT, false);
                        dir.createSegment(2, SEGMENT, false);
                    }
                    throw e;
                }
            }

            @Override
            public long newest() throws IOException {
                return dir.newestSegment();
            }
        };
        tailer = tailer(writersRaceTheLook);

        assertThat(tailer.poll(NOTHING_EXPECTED, 10)).isZero();
        assertThat(tailer.segment()).as("the segment it reads now").isEqualTo(1);
    }

    @Test
    void aSegmentMissingWhileANewerOneIsThereIsReportedAsLostWithItsFirstIndex() throws Exception {
        dir.createSegment(1, SEGMENT, false);
        dir.createSegment(2, SEGMENT, false);
        Files.delete(dir.segmentPath(1)); // retention over a byte budget, or a person
        tailer = tailer(null);

        assertThatThrownBy(() -> tailer.poll(NOTHING_EXPECTED, 10))
                .isInstanceOf(RecordsLostException.class)
                .hasMessageContaining("lost records from index " + SegmentDescriptor.index(1, 0))
                .hasMessageContaining("resumes at index " + SegmentDescriptor.index(2, 0));
    }

    /** A tailer at the start of the sealed segment 0, through {@code segments} (or the directory itself if null). */
    private Tailer tailer(Tailer.Segments segments) throws IOException {
        SegmentFile first = dir.open(0, true);
        String queue = "queue://" + dir.path();
        return new Tailer(dir, segments == null ? Tailer.of(dir) : segments, queue, "r", first, 0, 0, SEGMENT);
    }
}
