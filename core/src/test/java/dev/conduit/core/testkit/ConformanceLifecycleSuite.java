package dev.conduit.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.ChannelOptions;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.Listener;
import dev.conduit.core.MessageHandler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The half of the {@link ChannelConformanceSuite} about how channels end and what they refuse: closes each way, a
 * peer that goes away or is killed, frame limits, connect errors, and what a listener and a runtime leave behind.
 */
public abstract class ConformanceLifecycleSuite extends ConformanceFixture {
    private static final AtomicInteger RUNTIMES = new AtomicInteger();

    // ------------------------------------------------------------------ closing

    @Test
    void localCloseIsIdempotentReportedLocallyAndSeenByThePeer() throws Exception {
        requireConnections();
        String tag = tag();
        Channel<byte[]> channel = open(shared(), "echo " + tag);
        Channel<byte[]> control = open(shared(), "control " + tag());
        channel.close();
        channel.close();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(CloseReason.LOCAL);
        channel.close();
        assertThat(channel.closeReason()).isEqualTo(CloseReason.LOCAL);
        assertThatThrownBy(() -> channel.send(text("late")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> channel.receive(Duration.ofSeconds(1))).isInstanceOf(ChannelClosedException.class);
        await().atMost(TIMEOUT).until(() -> {
            control.send(text("reason " + tag));
            return receiveText(control).startsWith("closed by peer");
        });
    }

    @Test
    void peerCloseDeliversEarlierMessagesThenReportsPeer() throws Exception {
        requireConnections();
        Channel<byte[]> channel = open(shared(), "close-after " + tag() + " 1");
        channel.send(text("last"));
        assertThat(receiveText(channel)).isEqualTo("bye");
        assertThat(channel.closeFuture()
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                        .kind())
                .isEqualTo(CloseReason.Kind.PEER);
        assertThatThrownBy(() -> channel.receive(TIMEOUT))
                .isInstanceOf(ChannelClosedException.class)
                .satisfies(e ->
                        assertThat(((ChannelClosedException) e).reason().kind()).isEqualTo(CloseReason.Kind.PEER));
        assertThatThrownBy(() -> channel.send(text("late")).join()).hasCauseInstanceOf(ChannelClosedException.class);
    }

    @Test
    void handlerGetsEveryMessageInOrderThenOnCloseOnce() throws Exception {
        requireReliable();
        requireConnections();
        int count = 5_000;
        Channel<byte[]> channel = conduit.connect(shared().uri(), Codecs.bytes());
        List<Long> seen = new CopyOnWriteArrayList<>();
        List<CloseReason> closes = new CopyOnWriteArrayList<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        channel.onMessage(new MessageHandler<>() {
            @Override
            public void onMessage(Channel<byte[]> ch, byte[] message) {
                if (concurrent.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                if (message.length >= 8) {
                    seen.add(ByteBuffer.wrap(message).getLong());
                }
                concurrent.decrementAndGet();
            }

            @Override
            public void onClose(Channel<byte[]> ch, CloseReason reason) {
                closes.add(reason);
            }
        });
        channel.send(text("source " + tag() + " " + count + " 16 close"));
        await().atMost(TIMEOUT).until(() -> !closes.isEmpty());
        // A second onClose would come from another path to the close: a local close now, or the link's own end.
        channel.close();
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(closes).as("onClose calls").hasSize(1));
        assertThat(seen).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
        assertThat(overlaps.get()).as("concurrent handler calls").isZero();
        assertThat(closes).hasSize(1);
        assertThat(closes.get(0).kind()).isEqualTo(CloseReason.Kind.PEER);
    }

    @Test
    void inFlightSendsAllCompleteOrFailWhenTheChannelCloses() throws Exception {
        assertInFlightSendsCompleteOrFailOnClose(open(shared(), "sink " + tag()));
    }

    @Test
    void peerGoneClosesTheChannelWithAReason() throws Exception {
        requireConnections();
        Peer own = closeLater(startPeer(listenUri()));
        Channel<byte[]> channel = open(own, "echo " + tag());
        own.kill();
        CloseReason reason = channel.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void peerProcessKilledWithSigkillClosesTheChannelWithAReasonPromptly() throws Exception {
        requireConnections();
        Peer child = closeLater(startPeerProcess(listenUri()));
        Channel<byte[]> channel = open(child, "echo " + tag());
        channel.send(text("alive?"));
        assertThat(receiveText(channel)).isEqualTo("alive?");
        child.kill();
        // The kernel ends what the process held at once; the channel must not wait for a timeout of its own.
        CloseReason reason = channel.closeFuture().get(NOTICE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(reason.kind()).isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
        assertThatThrownBy(() -> channel.send(text("late")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(ChannelClosedException.class);
    }

    // ------------------------------------------------------------------ limits and errors

    @Test
    void oversizedFrameIsRejectedNamingLimitAndSizeAndListenerKeepsServing() throws Exception {
        requireConnections();
        requireMessagesOf(100_000);
        Peer small = closeLater(startPeer(withOptions(listenUri(), "maxFrame=65536")));
        String tag = tag();
        Channel<byte[]> big =
                conduit.connect(Endpoint.parse(small.uri()).with(ChannelOptions.MAX_FRAME, 1 << 20), Codecs.bytes());
        big.send(text("sink " + tag));
        assertThat(receiveText(big)).isEqualTo("ok");
        big.send(sequenced(0, 100_000));
        CloseReason seenByClient = big.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(seenByClient.kind()).isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);

        Channel<byte[]> control = open(small, "control " + tag());
        // The client can see the close before the listener's side of it has completed: ask until it has.
        AtomicReference<String> reason = new AtomicReference<>();
        await().atMost(TIMEOUT).until(() -> {
            control.send(text("reason " + tag));
            reason.set(receiveText(control));
            return !reason.get().equals("open");
        });
        assertThat(reason.get())
                .contains(FrameTooLargeException.class.getSimpleName())
                .contains("100000")
                .contains("65536");

        Channel<byte[]> echo = open(small, "echo " + tag());
        echo.send(text("still serving"));
        assertThat(receiveText(echo)).isEqualTo("still serving");
    }

    @Test
    void sendingMoreThanMaxFrameFailsTheSendNamingTheLimitAndKeepsTheChannel() throws Exception {
        Channel<byte[]> echo =
                conduit.connect(Endpoint.parse(shared().uri()).with(ChannelOptions.MAX_FRAME, 1024), Codecs.bytes());
        echo.send(text("echo " + tag()));
        assertThat(receiveText(echo)).isEqualTo("ok");
        assertThatThrownBy(() -> echo.send(new byte[1025]).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining("1025")
                .hasMessageContaining("1024");
        echo.send(text("fine"));
        assertThat(receiveText(echo)).isEqualTo("fine");
    }

    @Test
    void connectingToNothingFailsNamingTheEndpoint() {
        requireConnections();
        String uri = unboundUri();
        String name = nameOfUnbound(uri);
        assertThat(name).as("what the error must name, for %s", uri).isNotBlank();
        assertThatThrownBy(() -> conduit.connect(uri, Codecs.bytes()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining(name);
    }

    // ------------------------------------------------------------------ listeners and runtime

    @Test
    void listenerReportsItsBoundEndpointAndClosingItClosesItsChannels() throws Exception {
        requireConnections();
        assumeTrue(
                channelsPerLocalListener() > 0,
                "not applicable: " + getClass().getSimpleName()
                        + " cannot listen beside its clients in this JVM (channelsPerLocalListener() is 0)");
        Listener<String> listener = conduit.listen(listenUri(), Codecs.text());
        Endpoint bound = listener.endpoint();
        Channel<String> client = conduit.connect(bound, Codecs.text());
        Channel<String> server = listener.accept(TIMEOUT);
        assertThat(server).as("accepted channel").isNotNull();
        client.send("hello");
        assertThat(server.receive(TIMEOUT)).isEqualTo("hello");
        server.send("world");
        assertThat(client.receive(TIMEOUT)).isEqualTo("world");
        assertThat(listener.channels()).containsExactly(server);

        listener.close();
        listener.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(server.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(CloseReason.LOCAL);
        assertThat(client.closeFuture()
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                        .kind())
                .isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
        assertThat(listener.isOpen()).isFalse();
        assertThatThrownBy(() -> conduit.connect(bound, Codecs.text())).isInstanceOf(ConnectFailedException.class);
        assertListenerCleanedUp(bound);
    }

    @Test
    void runtimeCloseLeavesNoThreadNoFileDescriptorAndNoPooledBuffer() throws Exception {
        Map<Integer, String> fdsBefore = ResourceCheck.fileDescriptors();
        String name = "leakcheck" + RUNTIMES.incrementAndGet();
        Conduit runtime = Conduit.builder().name(name).build();
        Endpoint bound = null;
        int local = Math.min(4, channelsPerLocalListener());
        try {
            if (local > 0) {
                Listener<byte[]> listener =
                        runtime.listen(listenUri(), Codecs.bytes(), ch -> ch.onMessage(Channel::send));
                bound = listener.endpoint();
            }
            List<Channel<byte[]>> channels = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // Without a local listener (or beyond what it serves), the shared peer's echo stands in.
                channels.add(i < local ? runtime.connect(bound, Codecs.bytes()) : remoteEcho(runtime));
                channels.add(remoteEcho(runtime));
            }
            for (Channel<byte[]> c : channels) {
                for (int i = 0; i < 100; i++) {
                    c.send(patterned(i, i));
                }
                for (int i = 0; i < 100; i++) {
                    assertThat(receive(c)).isEqualTo(patterned(i, i));
                }
            }
            assertThat(runtime.stats().openChannels()).isGreaterThanOrEqualTo(channels.size());
        } finally {
            runtime.close();
        }
        assertThat(runtime.stats().openChannels()).isZero();
        assertThat(runtime.stats().openListeners()).isZero();
        // An in-process peer closes its ends of the channels once it sees them close: wait for that too.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(ResourceCheck.threadsNamed("conduit-" + name + "-"))
                    .as("threads left")
                    .isEmpty();
            assertThat(runtime.stats().pooledBuffers())
                    .as("pooled buffers left")
                    .isZero();
            assertThat(ResourceCheck.openedSince(fdsBefore))
                    .as("file descriptors opened during the test and still open")
                    .isEmpty();
        });
        if (bound != null) {
            assertListenerCleanedUp(bound);
        }
    }

    private Channel<byte[]> remoteEcho(Conduit runtime) throws InterruptedException {
        Channel<byte[]> remote = runtime.connect(shared().uri(), Codecs.bytes());
        remote.send(text("echo " + tag()));
        assertThat(receiveText(remote)).isEqualTo("ok");
        return remote;
    }
}
