package dev.conduit.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import dev.conduit.core.testkit.PeerProcess;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL of either side mid-stream: the survivor's channel closes with a reason within a second (the kernel closes
 * the dead side's control socket), the listener keeps serving, and no segment file is left in the directory.
 */
class ShmKilledPeerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * How soon a SIGKILL must be noticed: the kernel closes the dead process's ends at once, so in practice it takes
     * milliseconds; this leaves room for a loaded 2-core machine and is still far below any timeout or keepalive.
     */
    private static final Duration NOTICE = Duration.ofSeconds(5);

    private final ShmTestDirectory dir = new ShmTestDirectory();
    private final Conduit conduit = Conduit.builder().name("survivor").build();

    @AfterEach
    void cleanUp() throws Exception {
        conduit.close();
        dir.close();
    }

    private String listenUri() {
        return "shm://*?" + dir.dirOption();
    }

    @Test
    void killingTheListenerProcessMidStreamClosesTheClientWithinFiveSecondsAndLeavesNoSegment() throws Exception {
        PeerProcess server = PeerProcess.start(listenUri());
        try {
            Channel<byte[]> channel = conduit.connect(server.uri(), Codecs.bytes());
            channel.send("sink t1".getBytes(StandardCharsets.UTF_8));
            assertThat(channel.receive(TIMEOUT))
                    .asString(StandardCharsets.UTF_8)
                    .isEqualTo("ok");
            AtomicBoolean streaming = new AtomicBoolean(true);
            AtomicLong count = new AtomicLong();
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> stream(channel, streaming, count));
            await().atMost(TIMEOUT).until(() -> count.get() >= 10_000 || sent.isDone());
            assertThat(sent).as("still streaming when the listener is killed").isNotDone();
            server.kill();
            CloseReason reason = channel.closeFuture().get(NOTICE.toSeconds(), TimeUnit.SECONDS);
            streaming.set(false);
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
            assertThat(reason.toString()).contains("died or was killed");
            assertThat(sent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isPositive();
            assertThat(dir.files("*.seg")).isEmpty();
        } finally {
            server.close();
        }
    }

    @Test
    void killingAClientProcessMidStreamClosesItsServerChannelWithinFiveSecondsAndTheListenerServesANewClient()
            throws Exception {
        Listener<byte[]> listener = conduit.listen(listenUri(), Codecs.bytes());
        Channel<byte[]> accepted;
        try (ChildJvm client =
                ChildJvm.start(StreamingClient.class, listener.endpoint().toString())) {
            assertThat(client.firstLine()).isEqualTo("connected");
            accepted = listener.accept(TIMEOUT);
            assertThat(accepted).isNotNull();
            for (long i = 0; i < 1000; i++) {
                byte[] m = accepted.receive(TIMEOUT);
                assertThat(ByteBuffer.wrap(m).getLong()).isEqualTo(i);
            }
            client.kill();
        }
        CloseReason reason = accepted.closeFuture().get(NOTICE.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.toString()).contains("died or was killed");
        assertThat(dir.files("*.seg")).isEmpty();
        assertThat(Files.readAllLines(Path.of("/proc/self/maps")))
                .as("the dead client's segment, unmapped when its link closed")
                .noneMatch(line -> line.contains(dir.path().toString()));

        try (Conduit other = Conduit.builder().name("newcomer").build()) {
            Channel<byte[]> fresh = other.connect(listener.endpoint(), Codecs.bytes());
            Channel<byte[]> served = listener.accept(TIMEOUT);
            assertThat(served).isNotNull();
            fresh.send("still serving".getBytes(StandardCharsets.UTF_8));
            served.send(served.receive(TIMEOUT));
            assertThat(fresh.receive(TIMEOUT)).asString(StandardCharsets.UTF_8).isEqualTo("still serving");
        }
    }

    @Test
    void killingBothProcessesLeavesNoSegmentFileAndTheStaleSocketIsReplacedByTheNextListener() throws Exception {
        PeerProcess server = PeerProcess.start(listenUri());
        try (ChildJvm client = ChildJvm.start(StreamingClient.class, server.uri())) {
            assertThat(client.firstLine()).isEqualTo("connected");
            server.kill();
            client.kill();
        } finally {
            server.close();
        }
        assertThat(dir.files("*.seg"))
                .as("segment files after kill -9 of both sides")
                .isEmpty();
        String name = server.uri().substring("shm://".length(), server.uri().indexOf('?'));
        assertThat(dir.files("conduit-shm-" + name + ".sock"))
                .as("the dead listener's socket")
                .hasSize(1);
        try (Listener<String> again = conduit.listen("shm://" + name + "?" + dir.dirOption(), Codecs.text())) {
            assertThat(again.endpoint().address()).isEqualTo(name);
        }
        assertThat(dir.files("*")).as("files after the new listener closed").isEmpty();
    }

    private static long stream(Channel<byte[]> channel, AtomicBoolean streaming, AtomicLong count) {
        long i = 0;
        try {
            while (streaming.get() && channel.isOpen()) {
                if (!channel.isWritable() && !channel.awaitWritable(Duration.ofMillis(100))) {
                    continue;
                }
                byte[] m = new byte[64];
                ByteBuffer.wrap(m).putLong(i++);
                channel.send(m);
                count.incrementAndGet();
            }
        } catch (Exception e) {
            // the channel closed under the sender: expected once the peer is gone
        }
        return i;
    }
}
