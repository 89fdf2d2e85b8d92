package dev.conduit.ipc.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Claims that never commit, made by hand in the segment the way a writer killed at each step would leave them: the
 * reader gets past them, and only past them, once their writer cannot come back.
 */
class ClaimRecoveryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int LENGTH = SegmentDescriptor.recordLength(100);

    private final Path dir = TempDirs.create();
    private final Conduit conduit = Conduit.builder().name("recovery").build();

    @AfterEach
    void cleanUp() {
        conduit.close();
        TempDirs.delete(dir);
    }

    @Test
    void aClaimMarkedByADeadProcessIsSkippedAndWhatFollowsIsDelivered() throws Exception {
        String q = queue();
        Channel<String> reader = conduit.connect(q + "?reader=r", Codecs.text());
        int dead = deadPid();
        SegmentFile s = segment();
        int at = (int) s.claim(LENGTH);
        assertThat(s.mark(at, LENGTH, dead)).isTrue();
        conduit.connect(q, Codecs.text()).send("after the dead claim");
        assertThat(reader.receive(TIMEOUT)).isEqualTo("after the dead claim");
        assertThat(s.word(at)).as("the claim became padding").isEqualTo(LENGTH | SegmentDescriptor.PADDING);
        s.unmap();
    }

    @Test
    void claimedSpaceWithNoMarkIsTiledAndAWriterThatComesBackLateCannotMarkIt() throws Exception {
        String q = queue();
        Channel<String> reader = conduit.connect(q + "?reader=r", Codecs.text());
        SegmentFile s = segment();
        int at = (int) s.claim(LENGTH); // a writer that stopped right after its atomic add
        conduit.connect(q, Codecs.text()).send("after the unmarked claim");
        assertThat(reader.receive(TIMEOUT)).isEqualTo("after the unmarked claim");
        for (int p = at; p < at + LENGTH; p += SegmentDescriptor.ALIGNMENT) {
            assertThat(s.word(p)).as("tile at %d", p).isEqualTo(SegmentDescriptor.TILE);
        }
        assertThat(s.mark(at, LENGTH, ProcessLiveness.PID))
                .as("the late writer's mark")
                .isFalse();
        s.unmap();
    }

    @Test
    void aClaimOfALiveProcessIsWaitedForUntilItsWriterFinishes() throws Exception {
        String q = queue();
        Channel<String> reader = conduit.connect(q + "?reader=r", Codecs.text());
        SegmentFile s = segment();
        int at = (int) s.claim(LENGTH);
        assertThat(s.mark(at, LENGTH, ProcessLiveness.PID)).isTrue(); // this process: alive
        conduit.connect(q, Codecs.text()).send("behind a live claim");
        // Ten times the time after which a dead claimer's claim is skipped.
        assertThat(reader.receive(Duration.ofMillis(10 * ClaimRecovery.STALL_MILLIS)))
                .as("delivered past a live writer's claim")
                .isNull();
        assertThat(s.word(at)).isEqualTo(-LENGTH);
        assertThat(s.abandon(at, LENGTH, ProcessLiveness.PID)).isTrue(); // the writer gives up its record
        assertThat(reader.receive(TIMEOUT)).isEqualTo("behind a live claim");
        s.unmap();
    }

    private String queue() throws Exception {
        String q = "queue://" + dir.resolve("q");
        conduit.connect(q, Codecs.text()).close(); // creates the queue and its first segment
        return q;
    }

    private SegmentFile segment() throws Exception {
        return QueueDirectory.open(dir.resolve("q"), false).open(0, true);
    }

    private static int deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int pid = (int) p.pid();
        await().atMost(TIMEOUT).until(() -> ProcessHandle.of(pid).isEmpty());
        return pid;
    }
}
