package dev.conduit.ipc.unix.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import dev.conduit.core.testkit.PeerProcess;
import dev.conduit.ipc.PeerCredentials;
import dev.conduit.ipc.testing.CapturedStderr;
import dev.conduit.ipc.testing.Ids;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Peer credentials on both sides of a unix connection, and the listener's uid filter. */
class UnixPeerCredentialsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Path dir;
    private Conduit conduit;

    @BeforeEach
    void setUp() {
        dir = TempDirs.create();
        conduit = Conduit.builder().name("creds").build();
    }

    @AfterEach
    void tearDown() {
        conduit.close();
        TempDirs.delete(dir);
    }

    @Test
    void bothSidesSeeEachOthersUidGidAndPidOnEpoll() throws Exception {
        String uri = "unix://" + dir.resolve("c.sock") + "?io=epoll";
        Listener<String> listener = conduit.listen(uri, Codecs.text());
        Channel<String> client = conduit.connect(uri, Codecs.text());
        Channel<String> server = listener.accept(WAIT);
        PeerCredentials self = new PeerCredentials(
                Ids.uid(), Ids.gid(), OptionalLong.of(ProcessHandle.current().pid()));
        assertThat(client.property(PeerCredentials.KEY)).contains(self);
        assertThat(server.property(PeerCredentials.KEY)).contains(self);
        assertThat(server.remoteEndpoint().toString())
                .isEqualTo("unix:pid:" + ProcessHandle.current().pid());
    }

    @Test
    void aClientSeesTheListeningProcessAsItsPeer() throws Exception {
        try (PeerProcess agent = PeerProcess.start("unix://" + dir.resolve("agent.sock") + "?io=epoll")) {
            Channel<byte[]> client = conduit.connect(agent.uri(), Codecs.bytes());
            PeerCredentials peer = client.property(PeerCredentials.KEY).orElseThrow();
            assertThat(peer.pid()).hasValue(agent.pid());
            assertThat(peer.uid()).isEqualTo(Ids.uid());
            client.close();
        }
    }

    @Test
    void nioReportsUidAndGidButNoPid() throws Exception {
        String uri = "unix://" + dir.resolve("n.sock") + "?io=nio";
        Listener<String> listener = conduit.listen(uri, Codecs.text());
        Channel<String> client = conduit.connect(uri, Codecs.text());
        Channel<String> server = listener.accept(WAIT);
        PeerCredentials expected = new PeerCredentials(Ids.uid(), Ids.gid(), OptionalLong.empty());
        assertThat(client.property(PeerCredentials.KEY)).contains(expected);
        assertThat(server.property(PeerCredentials.KEY)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aPeerWhoseUidIsNotAllowedIsDisconnectedWithALoggedReason(String io) throws Exception {
        int other = Ids.uid() + 4242;
        String uri = "unix://" + dir.resolve(io + ".sock") + "?io=" + io + "&allowUids=" + other;
        try (CapturedStderr log = new CapturedStderr()) {
            Listener<String> listener = conduit.listen(uri, Codecs.text());
            Channel<String> refused = conduit.connect(uri, Codecs.text());
            CloseReason reason = refused.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reason.kind()).isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(log.text())
                            .contains("refused a peer")
                            .contains("uid " + Ids.uid() + " is not in allowUids=[" + other + "]"));
            assertThat(listener.accept(Duration.ofMillis(200)))
                    .as("the refused peer never reaches the app")
                    .isNull();
            assertThat(listener.channels()).isEmpty();
        }
    }

    @Test
    void aPeerWhoseUidIsAllowedIsServed() throws Exception {
        String uri = "unix://" + dir.resolve("ok.sock") + "?allowUids=" + (Ids.uid() + 1) + "," + Ids.uid();
        conduit.listen(uri, Codecs.text(), ch -> ch.onMessage(Channel::send));
        Channel<String> client = conduit.connect(uri, Codecs.text());
        client.send("allowed");
        assertThat(client.receive(WAIT)).isEqualTo("allowed");
    }
}
