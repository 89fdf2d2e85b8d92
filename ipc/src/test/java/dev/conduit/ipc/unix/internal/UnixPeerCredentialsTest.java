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
import dev.conduit.ipc.testing.ChildOutput;
import dev.conduit.ipc.testing.ConnectProbeMain;
import dev.conduit.ipc.testing.Ids;
import dev.conduit.ipc.testing.OtherUid;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Peer credentials on both sides of a unix connection, and the listener's uid filter. The tests that matter run the
 * peer as another user (uid {@value OtherUid#UID}, through {@link OtherUid}), so that a side that reported its own
 * uid and pid instead of its peer's would fail them; they are skipped, with the reason, where the test cannot start
 * such a child (not root).
 */
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
    void aPeerOfAnotherUidAndTheListenerEachSeeTheOthersUidAndPid() throws Exception {
        OtherUid.assumeAvailable();
        OtherUid.letOthersIn(dir);
        String uri = "unix://" + dir.resolve("x.sock") + "?io=epoll&mode=0666";
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        conduit.listen(uri, Codecs.text(), ch -> {
            seen.add(ch.property(PeerCredentials.KEY).map(String::valueOf).orElse("?") + " at " + ch.remoteEndpoint());
            ch.onMessage(Channel::send);
        });
        List<String> out = probe(uri, "ping");
        assertThat(out).hasSize(2);
        String childPid = out.get(0).replaceFirst("^connected pid=(\\d+) .*$", "$1");
        assertThat(out.get(0))
                .as("what the child of another uid sees of the listener")
                .isEqualTo("connected pid=" + childPid + " peer "
                        + new PeerCredentials(
                                Ids.uid(),
                                Ids.gid(),
                                OptionalLong.of(ProcessHandle.current().pid())));
        assertThat(out.get(1)).isEqualTo("reply: ping");
        assertThat(seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("what the listener sees of the child")
                .isEqualTo(new PeerCredentials(OtherUid.UID, OtherUid.UID, OptionalLong.of(Long.parseLong(childPid)))
                        + " at unix:pid:" + childPid);
    }

    @Test
    void aPeerOfAnotherUidOutsideAllowUidsIsRefusedBeforeTheAppSeesIt() throws Exception {
        OtherUid.assumeAvailable();
        OtherUid.letOthersIn(dir);
        String uri = "unix://" + dir.resolve("r.sock") + "?io=epoll&mode=0666&allowUids=" + Ids.uid();
        try (CapturedStderr log = new CapturedStderr()) {
            Listener<String> listener = conduit.listen(uri, Codecs.text(), ch -> ch.onMessage(Channel::send));
            List<String> out = probe(uri, "ping");
            assertThat(out).as("the child's view").last().asString().matches("(closed|failed): .*");
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(log.text())
                            .contains("uid " + OtherUid.UID + " is not in allowUids=[" + Ids.uid() + "]"));
            assertThat(listener.channels()).isEmpty();
        }
        assertThat(probeAsSelf(uri)).as("the listener's own uid is allowed").isEqualTo("reply: ping");
    }

    @Test
    void anAbstractSocketRefusesAnotherUidByDefaultAndAcceptsItWithAllowUidsStar() throws Exception {
        OtherUid.assumeAvailable();
        String name = "conduit-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        String closed = "unix:@" + name + "-own";
        try (CapturedStderr log = new CapturedStderr()) {
            Listener<String> own = conduit.listen(closed, Codecs.text(), ch -> ch.onMessage(Channel::send));
            assertThat(probe(closed, "ping")).last().asString().matches("(closed|failed): .*");
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(log.text())
                            .contains("uid " + OtherUid.UID + " is not in allowUids=[" + Ids.uid() + "]")
                            .contains("an abstract socket has no file mode"));
            assertThat(own.channels()).isEmpty();
        }
        assertThat(probeAsSelf(closed)).as("its own uid is served").isEqualTo("reply: ping");
        String open = "unix:@" + name + "-all?allowUids=*";
        conduit.listen(open, Codecs.text(), ch -> ch.onMessage(Channel::send));
        assertThat(probe(open, "ping")).as("allowUids=* admits everyone").last().isEqualTo("reply: ping");
    }

    /** Runs {@link ConnectProbeMain} as another uid against {@code uri}; its output lines. */
    private static List<String> probe(String uri, String... messages) {
        List<String> args = new ArrayList<>(List.of("--peer", uri));
        args.addAll(List.of(messages));
        return ChildOutput.run(OtherUid.command(List.of(), ConnectProbeMain.class, args.toArray(String[]::new)))
                .lines()
                .toList();
    }

    private String probeAsSelf(String uri) throws Exception {
        Channel<String> ch = conduit.connect(uri, Codecs.text());
        ch.send("ping");
        String reply = ch.receive(WAIT);
        ch.close();
        return "reply: " + reply;
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
