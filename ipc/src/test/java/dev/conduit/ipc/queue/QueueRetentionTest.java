package dev.conduit.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Segments roll by size; retention deletes whole old segments, and a lagging named reader is kept or told. */
class QueueRetentionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MESSAGE = 1024;

    private final Path dir = TempDirs.create();
    private final Conduit conduit = Conduit.builder().name("retention").build();

    @AfterEach
    void cleanUp() {
        conduit.close();
        TempDirs.delete(dir);
    }

    @Test
    void timeRetentionKeepsEverySegmentALaggingReaderNeedsAndDeletesThemOnceItHasReadThem() throws Exception {
        Path path = dir.resolve("q");
        String q = "queue://" + path + "?segmentSize=64k&retain=1ms";
        try (Channel<byte[]> lagging = conduit.connect(q + "&reader=lag&from=start", Codecs.bytes())) {
            append(q, 0, 1);
            assertThat(seq(lagging.receive(TIMEOUT))).isZero();
        }
        append(q, 1, 1_999); // about 32 segments, each full for longer than retain=1ms by the end
        await().atMost(TIMEOUT).until(() -> Queues.info(path).segments().size() > 20);
        assertThat(Queues.info(path).firstIndex())
                .as("the oldest segment, which the reader needs")
                .isZero();

        Channel<byte[]> caughtUp = connectWhenFree(q + "&reader=lag");
        for (long i = 1; i < 2_000; i++) {
            assertThat(seq(caughtUp.receive(TIMEOUT)))
                    .as("nothing it needed was deleted")
                    .isEqualTo(i);
        }
        append(q, 2_000, 200); // a few more segments fill up, and retention runs again
        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(Queues.info(path).segments().size())
                        .as("segments left once the reader has read them")
                        .isLessThan(10));
        for (long i = 2_000; i < 2_200; i++) {
            assertThat(seq(caughtUp.receive(TIMEOUT))).isEqualTo(i);
        }
    }

    @Test
    void aByteBudgetDeletesWhatALaggingReaderNeedsAndTheReaderIsToldWhichIndexItLostThenResumes() throws Exception {
        Path path = dir.resolve("b");
        String q = "queue://" + path + "?segmentSize=64k&retainBytes=256k";
        long lostFrom;
        try (Channel<byte[]> lagging = conduit.connect(q + "&reader=lag&from=start", Codecs.bytes())) {
            append(q, 0, 2);
            assertThat(seq(lagging.receive(TIMEOUT))).isZero();
        }
        lostFrom = Queues.readers(path).get(0).nextIndex();
        append(q, 2, 2_000);
        await().atMost(TIMEOUT)
                .untilAsserted(() ->
                        assertThat(Queues.info(path).bytes()).as("bytes kept").isLessThanOrEqualTo(256 << 10));
        long oldest = Queues.info(path).firstIndex();
        assertThatThrownBy(() -> connectWhenFreeOrLost(q + "&reader=lag"))
                .isInstanceOf(RecordsLostException.class)
                .hasMessageContaining("lost records from index " + lostFrom)
                .hasMessageContaining("resumes at index " + oldest)
                .satisfies(
                        e -> assertThat(((RecordsLostException) e).firstLost()).isEqualTo(lostFrom));
        Channel<byte[]> resumed = connectWhenFree(q + "&reader=lag");
        byte[] first = resumed.receive(TIMEOUT);
        assertThat(first).isNotNull();
        assertThat(seq(first)).as("the oldest message left").isGreaterThan(1);
        assertThat(Queues.readers(path).get(0).ownerPid())
                .isEqualTo(ProcessHandle.current().pid());
    }

    private void append(String q, long from, int count) throws Exception {
        try (Channel<byte[]> writer = conduit.connect(q, Codecs.bytes())) {
            for (long i = from; i < from + count; i++) {
                writer.send(ByteBuffer.allocate(MESSAGE).putLong(0, i).array())
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    private Channel<byte[]> connectWhenFree(String uri) {
        return await().atMost(TIMEOUT)
                .ignoreExceptionsMatching(e -> e.getMessage().contains("in use"))
                .until(() -> conduit.connect(uri, Codecs.bytes()), c -> true);
    }

    private void connectWhenFreeOrLost(String uri) throws Throwable {
        try {
            connectWhenFree(uri);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw e.getCause() == null ? e : e.getCause();
        }
    }

    private static long seq(byte[] m) {
        assertThat(m).as("a message within %s", TIMEOUT).isNotNull();
        return ByteBuffer.wrap(m).getLong();
    }
}
