package dev.conduit.ipc.fifo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.Listener;
import dev.conduit.ipc.testing.ChildJvm;
import dev.conduit.ipc.testing.ChildOutput;
import dev.conduit.ipc.testing.ConnectProbeMain;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a fifo listener does with its files and its peers. */
class FifoTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private Path dir;
    private Conduit conduit;

    @BeforeEach
    void setUp() {
        dir = TempDirs.create();
        conduit = Conduit.builder().name("fifotest").build();
    }

    @AfterEach
    void tearDown() {
        conduit.close();
        TempDirs.delete(dir);
    }

    private String uri(String name) {
        return "fifo://" + dir.resolve(name);
    }

    private Listener<String> echo(String uri) {
        return conduit.listen(uri, Codecs.text(), ch -> ch.onMessage(Channel::send));
    }

    private static String ask(Channel<String> ch, String m) throws InterruptedException {
        ch.send(m);
        String reply = ch.receive(WAIT);
        assertThat(reply).as("reply to %s", m).isNotNull();
        return reply;
    }

    private static String mode(Path p) throws Exception {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return Integer.toOctalString(mode);
    }

    @Test
    void aListenerCreatesTwoOwnerOnlyFifosAndALockFileAndRemovesThemOnClose() throws Exception {
        Listener<String> listener = echo(uri("req"));
        assertThat(TempDirs.list(dir)).containsExactly("req.c2s", "req.lock", "req.s2c");
        assertThat(mode(dir.resolve("req.c2s"))).isEqualTo("10600"); // S_IFIFO | 0600
        assertThat(mode(dir.resolve("req.s2c"))).isEqualTo("10600");
        assertThat(mode(dir.resolve("req.lock"))).isEqualTo("100600"); // S_IFREG | 0600
        try (Channel<String> client = conduit.connect(uri("req"), Codecs.text())) {
            assertThat(ask(client, "hello")).isEqualTo("hello");
        }
        listener.close();
        assertThat(TempDirs.list(dir)).isEmpty();
        echo(uri("group") + "?mode=0660");
        assertThat(mode(dir.resolve("group.c2s"))).isEqualTo("10660");
    }

    @Test
    void existingFifosAreUsedAndFilesThatAreNotFifosAreRefusedAndKept() throws Exception {
        FifoFiles.create(dir.resolve("pre.c2s"), 0600);
        FifoFiles.create(dir.resolve("pre.s2c"), 0600);
        echo(uri("pre"));
        try (Channel<String> client = conduit.connect(uri("pre"), Codecs.text())) {
            assertThat(ask(client, "made elsewhere")).isEqualTo("made elsewhere");
        }
        Files.writeString(dir.resolve("data.s2c"), "precious");
        assertThatThrownBy(() -> echo(uri("data")))
                .isInstanceOf(BindFailedException.class)
                .hasMessageContaining("data.s2c exists and is not a FIFO");
        assertThat(Files.readString(dir.resolve("data.s2c"))).isEqualTo("precious");
    }

    @Test
    void aSecondPeerIsTurnedAwayClearlyWhileTheFirstKeepsAnIntactStream() throws Exception {
        Listener<String> listener = echo(uri("one"));
        Channel<String> first = conduit.connect(uri("one"), Codecs.text());
        assertThat(ask(first, "first")).isEqualTo("first");

        assertThatThrownBy(() -> conduit.connect(uri("one"), Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("busy: another peer is connected");
        String other = ChildOutput.run(ChildJvm.command(List.of(), ConnectProbeMain.class, uri("one"), "intruder"));
        assertThat(other.strip())
                .startsWith("failed: ")
                .contains("busy: another peer is connected")
                .doesNotContain("reply");

        for (int i = 0; i < 2000; i++) {
            first.send("m" + i);
        }
        for (int i = 0; i < 2000; i++) {
            assertThat(first.receive(WAIT)).isEqualTo("m" + i);
        }
        assertThat(listener.channels()).hasSize(1);
    }

    @Test
    void theNextPeerIsAcceptedAfterTheCurrentOneLeaves() throws Exception {
        Listener<String> listener = echo(uri("turns"));
        for (int round = 0; round < 5; round++) {
            Channel<String> peer = conduit.connect(uri("turns"), Codecs.text());
            assertThat(ask(peer, "round " + round)).isEqualTo("round " + round);
            peer.close();
            peer.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        String fromOtherProcess =
                ChildOutput.run(ChildJvm.command(List.of(), ConnectProbeMain.class, uri("turns"), "from afar"));
        assertThat(fromOtherProcess.lines()).containsExactly("connected", "reply: from afar");
        assertThat(listener.isOpen()).isTrue();
    }

    @Test
    void connectingWhereNobodyServesFailsSayingWhy() throws Exception {
        assertThatThrownBy(() -> conduit.connect(uri("none"), Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("no listener")
                .hasMessageContaining("none.c2s does not exist");
        // What a listener that died leaves behind: the FIFOs and an unlocked lock file.
        FifoFiles.create(dir.resolve("stale.c2s"), 0600);
        FifoFiles.create(dir.resolve("stale.s2c"), 0600);
        Files.createFile(dir.resolve("stale.lock"));
        assertThatThrownBy(() -> conduit.connect(uri("stale"), Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("no listener holds them");
        echo(uri("stale"));
        try (Channel<String> client = conduit.connect(uri("stale"), Codecs.text())) {
            assertThat(ask(client, "revived")).isEqualTo("revived");
        }
    }

    @Test
    void aSecondListenerOnOnePathFailsAndARestartedListenerWorks() throws Exception {
        Listener<String> first = echo(uri("dup"));
        try (Conduit other = Conduit.builder().name("other").build()) {
            assertThatThrownBy(() -> other.listen(uri("dup"), Codecs.text()))
                    .isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("another listener already serves");
        }
        first.close();
        for (int round = 0; round < 3; round++) {
            Listener<String> again = echo(uri("dup"));
            try (Channel<String> client = conduit.connect(uri("dup"), Codecs.text())) {
                assertThat(ask(client, "again " + round)).isEqualTo("again " + round);
            }
            again.close();
        }
        assertThat(TempDirs.list(dir)).isEmpty();
    }

    @Test
    void anOversizedFrameClosesOnlyThatPeerNamingSizesAndTheListenerServesTheNext() throws Exception {
        Listener<String> listener = conduit.listen(uri("small") + "?maxFrame=1000", Codecs.text());
        Channel<String> big = conduit.connect(uri("small"), Codecs.text());
        Channel<String> server = listener.accept(WAIT);
        big.send("x".repeat(5000));
        CloseReason reason = server.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.error())
                .isInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining("5000")
                .hasMessageContaining("1000");
        assertThat(big.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS).kind())
                .isEqualTo(CloseReason.Kind.PEER);
        Channel<String> next = conduit.connect(uri("small"), Codecs.text());
        Channel<String> nextServer = listener.accept(WAIT);
        next.send("fits");
        assertThat(nextServer.receive(WAIT)).isEqualTo("fits");
    }

    @Test
    void aShellScriptTalksToAListenerWithLineFraming() throws Exception {
        echo(uri("sh") + "?framing=line");
        String base = dir.resolve("sh").toString();
        String script = "exec 4>\"$0.c2s\"; echo hello >&4; echo world >&4; head -n 2 < \"$0.s2c\"; exec 4>&-";
        String out = ChildOutput.run(List.of("sh", "-c", script, base));
        assertThat(out.lines()).containsExactly("hello", "world");
    }
}
