package dev.conduit.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A full disk, on a 1 MiB tmpfs that the test mounts (it needs root, or CAP_SYS_ADMIN; without it the test is skipped
 * and says why): a send fails with an error that says so, nothing already written is damaged, and sends succeed
 * again once there is room.
 */
class QueueDiskFullTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Path mount = TempDirs.create();
    private Conduit conduit;
    private boolean mounted;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mount.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        assumeTrue(mounted, "skipped: cannot mount a small tmpfs for a full disk (needs root): " + output);
        conduit = Conduit.builder().name("diskfull").build();
    }

    @AfterEach
    void unmount() throws Exception {
        if (conduit != null) {
            conduit.close();
        }
        if (mounted) {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
        TempDirs.delete(mount);
    }

    @Test
    void aFullDiskFailsTheSendSayingSoDamagesNothingAndSendsSucceedAgainWhenSpaceReturns() throws Exception {
        Path filler = mount.resolve("filler");
        Files.write(filler, new byte[256 << 10]);
        String q = "queue://" + mount.resolve("q") + "?segmentSize=64k";
        Channel<byte[]> reader = conduit.connect(q + "&reader=r&from=start", Codecs.bytes());
        Channel<byte[]> writer = conduit.connect(q, Codecs.bytes());
        long sent = 0;
        Throwable failure = null;
        while (failure == null && sent < 10_000) {
            try {
                writer.send(message(sent)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                sent++;
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
        }
        assertThat(failure).as("a send failed once the disk was full").isNotNull();
        assertThat(failure.getMessage()).contains(mount.resolve("q").toString()).contains("No space left on device");
        assertThat(sent).as("messages that fitted").isGreaterThan(100);
        for (long i = 0; i < sent; i++) {
            byte[] m = reader.receive(TIMEOUT);
            assertThat(m).as("message %d of %d", i, sent).isEqualTo(message(i));
        }
        assertThat(writer.isOpen()).as("the channel stays open").isTrue();
        long next = sent;
        assertThatThrownBy(() -> writer.send(message(next)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("still full")
                .hasMessageContaining("No space left on device");

        Files.delete(filler);
        writer.send(message(next)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reader.receive(TIMEOUT))
                .as("the message sent once there was room")
                .isEqualTo(message(next));
    }

    private static byte[] message(long i) {
        byte[] m = new byte[1000];
        ByteBuffer.wrap(m).putLong(i).putLong(~i);
        m[999] = (byte) i;
        return m;
    }
}
