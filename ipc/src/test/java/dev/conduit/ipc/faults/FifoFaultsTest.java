package dev.conduit.ipc.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import dev.conduit.core.testkit.PeerProcess;
import dev.conduit.ipc.testing.Launch;
import dev.conduit.ipc.testing.Processes;
import dev.conduit.ipc.testing.StreamingClientMain;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A fifo peer SIGKILLed mid-stream, on either side; listeners restarted or doubled across processes. */
class FifoFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * How soon a SIGKILL must be noticed: the kernel closes the dead process's ends at once, so in practice it takes
     * milliseconds; this leaves room for a loaded 2-core machine and is still far below any timeout or keepalive.
     */
    private static final Duration NOTICE = Duration.ofSeconds(5);

    private Path dir;
    private Conduit conduit;

    @BeforeEach
    void setUp() {
        dir = TempDirs.create();
        conduit = Conduit.builder().name("fifofaults").build();
    }

    @AfterEach
    void tearDown() {
        conduit.close();
        TempDirs.delete(dir);
    }

    private String uri() {
        return "fifo://" + dir.resolve("f");
    }

    @Test
    void aPeerKilledMidStreamClosesTheListenersChannelWithinFiveSecondsAndTheNextPeerIsServed() throws Exception {
        Listener<byte[]> listener = conduit.listen(uri(), Codecs.bytes());
        Launch.Started peer = Launch.start(StreamingClientMain.class, uri());
        Channel<byte[]> server = listener.accept(WAIT);
        for (int i = 0; i < 100; i++) {
            assertThat(server.receive(WAIT)).hasSize(1024);
        }
        peer.process().destroyForcibly();
        CloseReason reason = server.closeFuture().get(NOTICE.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.PEER);
        peer.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(Processes.exists(peer.process().pid())).isFalse();

        Channel<byte[]> next = conduit.connect(uri(), Codecs.bytes());
        Channel<byte[]> nextServer = listener.accept(WAIT);
        next.send(new byte[] {42});
        assertThat(nextServer.receive(WAIT)).containsExactly(42);
        listener.close();
        assertThat(TempDirs.list(dir)).isEmpty();
    }

    @Test
    void aListenerKilledMidStreamClosesThePeerWithinFiveSecondsAndARestartedListenerTakesOverItsFiles()
            throws Exception {
        PeerProcess agent = PeerProcess.start(uri());
        Channel<byte[]> client = conduit.connect(agent.uri(), Codecs.bytes());
        client.send("source t1 100000000 64".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(client.receive(WAIT), StandardCharsets.UTF_8)).isEqualTo("ok");
        for (int i = 0; i < 100; i++) {
            assertThat(client.receive(WAIT)).hasSize(64);
        }
        agent.kill();
        CloseReason reason = client.closeFuture().get(NOTICE.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
        assertThat(Processes.exists(agent.pid())).isFalse();

        assertThat(TempDirs.list(dir)).as("what the dead listener left").containsExactly("f.c2s", "f.lock", "f.s2c");
        Listener<String> restarted = conduit.listen(uri(), Codecs.text(), ch -> ch.onMessage(Channel::send));
        try (Channel<String> again = conduit.connect(uri(), Codecs.text())) {
            again.send("after restart");
            assertThat(again.receive(WAIT)).isEqualTo("after restart");
        }
        restarted.close();
        assertThat(TempDirs.list(dir)).isEmpty();
    }

    @Test
    void aSecondListenerOnAPathServedByAnotherProcessFailsClearly() throws Exception {
        try (PeerProcess agent = PeerProcess.start(uri())) {
            assertThatThrownBy(() -> conduit.listen(uri(), Codecs.text()))
                    .isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("another listener already serves");
            try (Channel<byte[]> client = conduit.connect(agent.uri(), Codecs.bytes())) {
                client.send("echo t2".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(client.receive(WAIT), StandardCharsets.UTF_8))
                        .isEqualTo("ok");
            }
        }
        assertThat(TempDirs.list(dir)).as("the other process removed its files").isEmpty();
    }

    /**
     * A peer that opens {@code c2s} and dies before it opens {@code s2c} holds a fifo listener (which serves one peer
     * at a time) only until its hello is late: {@code helloTimeout}, 2 s by default, and not the 10 s it used to be.
     */
    @Test
    void aPeerThatDiesMidHandshakeHoldsTheListenerOnlyUntilTheHelloDeadline() throws Exception {
        Listener<String> listener = conduit.listen(uri(), Codecs.text(), ch -> ch.onMessage(Channel::send));
        Process careless = new ProcessBuilder(
                        "sh", "-c", "exec 3>\"$0\"", dir.resolve("f.c2s").toString())
                .inheritIO()
                .start();
        assertThat(careless.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(careless.exitValue())
                .as("it opened c2s, so the listener had it too")
                .isZero();
        // The listener now waits for it to open s2c; the next peer gives up well before 10 s.
        Channel<String> next = conduit.connect(uri() + "?connectTimeout=4s", Codecs.text());
        next.send("served");
        assertThat(next.receive(WAIT)).isEqualTo("served");
        assertThat(listener.channels()).hasSize(1);
    }
}
