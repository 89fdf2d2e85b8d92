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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A unix peer SIGKILLed mid-stream, on either side; listeners restarted or doubled across processes. */
class UnixFaultsTest {
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
        conduit = Conduit.builder().name("unixfaults").build();
    }

    @AfterEach
    void tearDown() {
        conduit.close();
        TempDirs.delete(dir);
    }

    private String uri(String io) {
        return "unix://" + dir.resolve(io + ".sock") + "?io=" + io;
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aClientKilledMidStreamClosesTheListenersChannelWithinFiveSecondsAndLeavesNothing(String io) throws Exception {
        Listener<byte[]> listener = conduit.listen(uri(io), Codecs.bytes());
        Launch.Started client = Launch.start(StreamingClientMain.class, uri(io));
        Channel<byte[]> server = listener.accept(WAIT);
        for (int i = 0; i < 100; i++) {
            assertThat(server.receive(WAIT)).as("streamed message %d", i).hasSize(1024);
        }
        client.process().destroyForcibly();
        CloseReason reason = server.closeFuture().get(NOTICE.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
        client.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(Processes.exists(client.process().pid()))
                .as("the killed client, or its zombie")
                .isFalse();
        listener.close();
        assertThat(TempDirs.list(dir)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aListenerKilledMidStreamClosesTheClientWithinFiveSecondsAndARestartedListenerReplacesItsFile(String io)
            throws Exception {
        PeerProcess agent = PeerProcess.start(uri(io));
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

        Path socket = dir.resolve(io + ".sock");
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS))
                .as("the dead listener's stale file")
                .isTrue();
        Listener<String> restarted = conduit.listen(uri(io), Codecs.text(), ch -> ch.onMessage(Channel::send));
        try (Channel<String> again = conduit.connect(uri(io), Codecs.text())) {
            again.send("after restart");
            assertThat(again.receive(WAIT)).isEqualTo("after restart");
        }
        restarted.close();
        assertThat(TempDirs.list(dir)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aSecondListenerOnAPathServedByAnotherProcessFailsClearly(String io) throws Exception {
        try (PeerProcess agent = PeerProcess.start(uri(io))) {
            assertThatThrownBy(() -> conduit.listen(uri(io), Codecs.text()))
                    .isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("a listener is already accepting on it");
            try (Channel<byte[]> client = conduit.connect(agent.uri(), Codecs.bytes())) {
                client.send("echo t2".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(client.receive(WAIT), StandardCharsets.UTF_8))
                        .isEqualTo("ok");
            }
        }
        assertThat(TempDirs.list(dir)).as("the other process removed its file").isEmpty();
    }
}
