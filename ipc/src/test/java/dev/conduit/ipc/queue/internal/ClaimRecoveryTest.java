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
 * Claims made by hand in a segment, the way writers leave them: killed between claim and commit (the reader gets
 * past the claim once its writer cannot come back, and only then), or descheduled before moving the tail hint (later
 * writers step over what is claimed).
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
    void aClaimOfADeadProcessIsSkippedAndWhatFollowsIsDelivered() throws Exception {
        String q = queue();
        Channel<String> reader = conduit.connect(q + "?reader=r", Codecs.text());
        int dead = deadPid();
        SegmentFile s = segment();
        int at = claimNext(s, dead); // a writer killed between its claim and its commit
        conduit.connect(q, Codecs.text()).send("after the dead claim");
        assertThat(reader.receive(TIMEOUT)).isEqualTo("after the dead claim");
        assertThat(s.word(at)).as("the claim became padding").isEqualTo(LENGTH | SegmentDescriptor.PADDING);
        s.unmap();
    }

    @Test
    void aClaimOfALiveProcessIsWaitedForUntilItsWriterFinishes() throws Exception {
        String q = queue();
        Channel<String> reader = conduit.connect(q + "?reader=r", Codecs.text());
        SegmentFile s = segment();
        int at = claimNext(s, ProcessLiveness.PID); // this process: alive
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

    @Test
    void aTailHintBehindTheRealEndMakesWritersStepOverClaimedRecordsNeverOverwriteThem() throws Exception {
        String q = queue();
        Channel<String> reader = conduit.connect(q + "?reader=r&from=start", Codecs.text());
        Channel<String> writer = conduit.connect(q, Codecs.text());
        writer.send("first").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        writer.send("second").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        SegmentFile s = segment();
        s.tail(0); // as if the writers that moved it were descheduled before they could
        assertThat(s.claim(0, LENGTH, ProcessLiveness.PID))
                .as("the word already at 0")
                .isPositive();
        writer.send("third").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reader.receive(TIMEOUT)).isEqualTo("first");
        assertThat(reader.receive(TIMEOUT)).isEqualTo("second");
        assertThat(reader.receive(TIMEOUT)).isEqualTo("third");
        s.unmap();
    }

    /** Claims the next record the way a writer does, for {@code pid}; returns its offset. */
    private static int claimNext(SegmentFile s, int pid) {
        int at = s.tail();
        int taken;
        while ((taken = s.claim(at, LENGTH, pid)) != 0) {
            at += SegmentDescriptor.lengthOf(taken);
        }
        s.tail(at + LENGTH);
        return at;
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
