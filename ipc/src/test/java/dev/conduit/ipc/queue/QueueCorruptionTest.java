package dev.conduit.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.FramingException;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A bit flipped on disk is caught by the record's checksum: reported with the record's index, never delivered. */
class QueueCorruptionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Segment header (512 bytes), then records of a 24-byte header and the payload, 8-byte aligned. */
    private static final int FIRST_RECORD = 512;

    private static final int RECORD = 128; // 24 + 100, aligned

    private final Path dir = TempDirs.create();
    private final Conduit conduit = Conduit.builder().name("corrupt").build();

    @AfterEach
    void cleanUp() {
        conduit.close();
        TempDirs.delete(dir);
    }

    @Test
    void aFlippedBitIsReportedWithTheRecordsIndexAndTheRecordIsNeverDelivered() throws Exception {
        Path q = dir.resolve("q");
        writeThreeAndCorruptTheSecond(q);
        Channel<byte[]> reader = conduit.connect("queue://" + q + "?reader=r&from=start", Codecs.bytes());
        assertThat(reader.receive(TIMEOUT)).isEqualTo(payload(0));
        CloseReason reason = reader.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.error())
                .isInstanceOf(FramingException.class)
                .hasMessageContaining("corrupt record at index 1 ")
                .hasMessageContaining("checksum");
        assertThatThrownBy(() -> reader.receive(TIMEOUT))
                .as("the corrupt record is never delivered")
                .isInstanceOf(ChannelClosedException.class);
        assertThat(Queues.readers(q).get(0).nextIndex())
                .as("the reader stays before it")
                .isEqualTo(1);

        Queues.moveReader(q, "r", 2);
        Channel<byte[]> after = conduit.connect("queue://" + q + "?reader=r", Codecs.bytes());
        assertThat(after.receive(TIMEOUT)).as("past it, once moved").isEqualTo(payload(2));
    }

    @Test
    void theCloseForACorruptRecordWaitsUntilTheMessagesBeforeItAreDeliveredSoThePositionEndsRightBeforeIt()
            throws Exception {
        Path q = dir.resolve("q");
        writeThreeAndCorruptTheSecond(q);
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<byte[]> handled = new LinkedBlockingQueue<>();
        Channel<byte[]> reader = conduit.connect("queue://" + q + "?reader=r&from=start", Codecs.bytes());
        reader.onMessage((c, m) -> {
            inHandler.countDown();
            try {
                release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handled.add(m);
        });
        assertThat(inHandler.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // The poller reads on to the corrupt record meanwhile: the channel must stay open while message 0 is still
        // in the application's hands, or its delivery could no longer be stored.
        assertThatThrownBy(() -> reader.closeFuture().get(500, TimeUnit.MILLISECONDS))
                .as("closed while message 0 was being handled")
                .isInstanceOf(TimeoutException.class);
        release.countDown();
        CloseReason reason = reader.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.error())
                .isInstanceOf(FramingException.class)
                .hasMessageContaining("corrupt record at index 1 ");
        assertThat(handled).hasSize(1);
        assertThat(handled.peek()).isEqualTo(payload(0));
        assertThat(Queues.readers(q).get(0).nextIndex())
                .as("the reader stays right before it")
                .isEqualTo(1);
    }

    private void writeThreeAndCorruptTheSecond(Path q) throws Exception {
        Channel<byte[]> writer = conduit.connect("queue://" + q, Codecs.bytes());
        for (int i = 0; i < 3; i++) {
            writer.send(payload(i)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        try (FileChannel file = FileChannel.open(
                q.resolve("00000000000000000000.seg"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = FIRST_RECORD + RECORD + 24 + 50; // inside the second record's payload
            ByteBuffer b = ByteBuffer.allocate(1);
            file.read(b, at);
            file.write(ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ 0x10)}), at);
        }
    }

    private static byte[] payload(int i) {
        byte[] m = new byte[100];
        java.util.Arrays.fill(m, (byte) (i + 1));
        return m;
    }
}
