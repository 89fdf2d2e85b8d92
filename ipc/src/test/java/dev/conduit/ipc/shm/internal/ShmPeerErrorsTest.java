package dev.conduit.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.FramingException;
import dev.conduit.core.Listener;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What one side of a link learns when the other closes it on an error, and that the poller outlives whatever kills
 * its thread. The client side is built by hand ({@link HandClient}) so that the test can corrupt its ring and reach
 * its poller.
 */
class ShmPeerErrorsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int DATA = Segment.HEADER_LENGTH + RingDescriptor.META_LENGTH;

    private final Path dir;
    private final Conduit conduit = Conduit.builder().name("listener").build();
    private final Listener<byte[]> listener;
    private final String name;

    ShmPeerErrorsTest() throws Exception {
        dir = Files.createTempDirectory(Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : null, "err-");
        listener = conduit.listen("shm://*?dir=" + dir, Codecs.bytes(), ch -> ch.onMessage(Channel::send));
        name = listener.endpoint().address();
    }

    @AfterEach
    void cleanUp() throws Exception {
        conduit.close();
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        }
        Files.deleteIfExists(dir);
    }

    @Test
    void theSideWhoseRingWasCorruptLearnsTheFramingErrorNotThatItsPeerDied() throws Exception {
        try (HandClient client = new HandClient(dir, name)) {
            client.send(new byte[] {7});
            assertThat(client.frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .containsExactly(7);
            // A record length shorter than its header, where the listener reads next (the first record took 16 bytes).
            ByteBuffer b = client.segment.buffer().duplicate().order(ByteOrder.nativeOrder());
            b.putInt(DATA + 16 + RingDescriptor.TYPE_FIELD, RingDescriptor.WHOLE);
            RingDescriptor.INT.setRelease(b, DATA + 16, 3);
            client.link.sendWake();
            CloseReason reason = client.closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
            assertThat(reason.error())
                    .isInstanceOf(FramingException.class)
                    .hasMessageContaining("closed the link on an error in what this side wrote")
                    .hasMessageContaining("corrupt shared-memory record at position 16: record length 3");
            assertThat(reason.toString()).doesNotContain("died or was killed");
        }
    }

    @Test
    void aPollerThreadThatDiesIsReplacedAndItsLinksKeepWorking() throws Exception {
        try (HandClient client = new HandClient(dir, name)) {
            client.send(new byte[] {1});
            assertThat(client.frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .containsExactly(1);
            Thread first = client.pollerThread();
            client.poller.execute(() -> {
                throw new Error("injected: a failure of the poller's own machinery");
            });
            first.join(TIMEOUT.toMillis());
            assertThat(first.isAlive()).as("the first poller thread ended").isFalse();
            assertThat(client.pollerThreadsStarted())
                    .as("a fresh thread took over")
                    .isEqualTo(2);
            for (int i = 2; i < 50; i++) {
                client.send(new byte[] {(byte) i});
                assertThat(client.frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                        .containsExactly(i);
            }
            assertThat(client.closed).isNotDone();
        }
    }
}
