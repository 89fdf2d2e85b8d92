package dev.conduit.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import dev.conduit.ipc.testing.Launch;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A peer that truncates its segment file turns every access to that memory into a bus error. The listener must close
 * that link only, saying why, and go on serving its other clients and new ones, whatever its idle strategy. The peer
 * is a real process ({@link TruncatingPeerMain}) that stays alive, so that its link cannot close for its death.
 */
class ShmTruncatedSegmentTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Conduit conduit = Conduit.builder().name("truncvictim").build();
    private final Conduit clients = Conduit.builder().name("bystanders").build();
    private Process rogue;

    ShmTruncatedSegmentTest() throws Exception {
        dir = Files.createTempDirectory(Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : null, "trunc-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (rogue != null) {
            rogue.destroyForcibly();
            rogue.waitFor(30, TimeUnit.SECONDS);
        }
        clients.close();
        conduit.close();
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        }
        Files.deleteIfExists(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"backoff", "spin", "block"})
    void aPeerThatTruncatesItsSegmentLosesItsOwnLinkOnlyAndTheListenerServesOn(String idle) throws Exception {
        BlockingQueue<Channel<byte[]>> accepted = new LinkedBlockingQueue<>();
        Listener<byte[]> listener = conduit.listen("shm://*?idle=" + idle + "&dir=" + dir, Codecs.bytes(), ch -> {
            accepted.add(ch);
            ch.onMessage(Channel::send);
        });
        Channel<byte[]> bystander = clients.connect(listener.endpoint(), Codecs.bytes());
        assertEchoes(bystander, 1);
        accepted.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        Launch.Started started = Launch.start(
                List.of(),
                TruncatingPeerMain.class,
                dir.toString(),
                listener.endpoint().address());
        rogue = started.process();
        assertThat(started.firstLine()).isEqualTo("ready");
        Channel<byte[]> rogueChannel = accepted.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(rogueChannel).isNotNull();
        Writer toRogue = new OutputStreamWriter(rogue.getOutputStream(), StandardCharsets.UTF_8);
        toRogue.write("truncate\n");
        toRogue.flush();
        assertThat(started.out().readLine()).isEqualTo("truncated");

        CloseReason reason = rogueChannel.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.toString())
                .contains("truncated the shared segment of this link to 0 of its")
                .contains("closed this link only");
        assertThat(started.out().readLine())
                .as("the rogue is told why")
                .startsWith("listener said: ")
                .contains("truncated the shared segment");

        assertThat(bystander.isOpen()).as("a client connected before").isTrue();
        assertEchoes(bystander, 100);
        Channel<byte[]> newcomer = clients.connect(listener.endpoint(), Codecs.bytes());
        assertEchoes(newcomer, 100);
        assertThat(rogue.isAlive())
                .as("the rogue's link closed for its truncation, not its death")
                .isTrue();
    }

    private static void assertEchoes(Channel<byte[]> channel, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            channel.send(new byte[] {(byte) i, 1, 2, 3});
            assertThat(channel.receive(TIMEOUT)).containsExactly((byte) i, 1, 2, 3);
        }
    }
}
