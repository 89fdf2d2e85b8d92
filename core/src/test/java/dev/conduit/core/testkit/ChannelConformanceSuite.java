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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance suite every transport passes unchanged: "unified" means this. A transport's test extends it and
 * says how to name a fresh endpoint ({@link #listenUri()}), an endpoint where nothing listens ({@link
 * #unboundUri()}), and where the peer runs ({@link #startPeer}: in this JVM by default, or {@link PeerProcess} for a
 * child JVM).
 *
 * <p>A transport without delivery guarantees or connections (udp) says so with {@link #reliable()}, {@link
 * #connectionOriented()} and {@link #maxMessageSize()}; the tests that need what it lacks are then reported as not
 * applicable, each with the reason, rather than run.
 *
 * <p>Clients run in this JVM in a fresh runtime per test; they talk to a {@link ConformanceAgent}. Every wait has a
 * timeout and no test sleeps. Netty leak detection runs at PARANOID and a leak fails the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ChannelConformanceSuite {
    /** How long any single wait may take before the test fails. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final AtomicInteger TAGS = new AtomicInteger();

    private Peer shared;
    /** The clients' runtime, fresh for each test. */
    protected Conduit conduit;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** A URI for a fresh listener of the transport under test: an ephemeral port, a fresh name or temp path. */
    protected abstract String listenUri();

    /** A URI of the transport under test where nothing listens. */
    protected abstract String unboundUri();

    /** Starts a {@link ConformanceAgent} listening on {@code listenUri}; in this JVM unless overridden. */
    protected Peer startPeer(String listenUri) {
        return Peer.inProcess(listenUri);
    }

    /**
     * Whether the transport delivers every message, in order, and pushes back on a sender whose peer does not read:
     * true for streams and rings. A transport that returns false (udp) has the tests that rely on it reported as not
     * applicable, with this reason, instead of run.
     */
    protected boolean reliable() {
        return true;
    }

    /**
     * Whether the transport has connections: a connect fails where nothing listens, the listener sees a client before
     * its first message, and each side sees the other's close. False for udp.
     */
    protected boolean connectionOriented() {
        return true;
    }

    /** The largest message the transport carries whole; {@code Integer.MAX_VALUE} if only {@code maxFrame} limits. */
    protected int maxMessageSize() {
        return Integer.MAX_VALUE;
    }

    private void requireReliable() {
        assumeTrue(
                reliable(),
                "not applicable: " + getClass().getSimpleName()
                        + " does not guarantee delivery, order or flow control (reliable() is false)");
    }

    private void requireConnections() {
        assumeTrue(
                connectionOriented(),
                "not applicable: " + getClass().getSimpleName()
                        + " has no connections, so no connect refusal and no close seen by the peer"
                        + " (connectionOriented() is false)");
    }

    private void requireMessagesOf(int size) {
        assumeTrue(
                maxMessageSize() >= size,
                "not applicable: " + getClass().getSimpleName() + " carries messages of at most " + maxMessageSize()
                        + " bytes, and this test needs " + size);
    }

    /**
     * How many channels at once a listener on {@link #listenUri()} in this JVM serves: unlimited for sockets; 1 for a
     * transport whose listener serves one peer at a time (fifo); 0 where no listener can run beside the clients
     * (pipe, whose listener is this process's own stdin and stdout). Tests that listen in this JVM use at most this
     * many channels there, and the one test that needs a listener here is reported as not applicable when it is 0.
     *
     * <p>{@link Peer#uri()} may return a different URI on each call, so that a transport whose listeners serve one
     * peer at a time can back the shared peer with several listeners.
     */
    protected int channelsPerLocalListener() {
        return Integer.MAX_VALUE;
    }

    /** Checks that a closed listener left nothing behind (a socket file, say); nothing to check by default. */
    protected void assertListenerCleanedUp(Endpoint endpoint) {}

    @BeforeAll
    void startSharedPeer() {
        shared = startPeer(listenUri());
    }

    @AfterAll
    void stopSharedPeer() {
        if (shared != null) {
            shared.close();
        }
    }

    @BeforeEach
    void createRuntime() {
        conduit = Conduit.builder().name("client").build();
    }

    @AfterEach
    void closeEverything() throws Exception {
        Collections.reverse(toClose);
        for (AutoCloseable c : toClose) {
            c.close();
        }
        toClose.clear();
        conduit.close();
    }

    // ------------------------------------------------------------------ ordering and sizes

    @Test
    void hundredThousandMessagesArriveInOrderInBothDirections() throws Exception {
        requireReliable();
        int count = 100_000;
        Channel<byte[]> toSink = open(shared, "sink " + tag());
        for (long i = 0; i < count; i++) {
            sendPaced(toSink, sequenced(i, 16));
        }
        sendPaced(toSink, sequenced(ConformanceAgent.END, 8));
        assertThat(receiveText(toSink)).isEqualTo("sink " + count + " " + (16L * count) + " 0");

        Channel<byte[]> fromSource = open(shared, "source " + tag() + " " + count + " 16");
        for (long i = 0; i < count; i++) {
            byte[] m = receive(fromSource);
            assertThat(ByteBuffer.wrap(m).getLong()).as("sequence number").isEqualTo(i);
        }
    }

    @Test
    void messagesOfZeroOneAndSixtyFourKibibytesAndEightMebibytesRoundTripIntact() throws Exception {
        requireReliable();
        requireMessagesOf(8 << 20);
        Channel<byte[]> echo = open(shared, "echo " + tag());
        Random random = new Random(42);
        for (int size : new int[] {0, 1, 64 << 10, 8 << 20, 0, 1}) {
            byte[] m = new byte[size];
            random.nextBytes(m);
            echo.send(m).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            byte[] back = receive(echo);
            assertThat(back.length).as("echoed size").isEqualTo(size);
            assertThat(Arrays.equals(back, m))
                    .as("echoed %d bytes intact", size)
                    .isTrue();
        }
    }

    @Test
    void eightConcurrentSendersLoseNothingAndNeitherInterleaveNorDuplicate() throws Exception {
        requireReliable();
        int senders = 8;
        int perSender = 2_000;
        Channel<byte[]> echo = open(shared, "echo " + tag());
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perSender; i++) {
                        sendPaced(echo, patterned(sender, i));
                    }
                    return null;
                }));
            }
            int[] next = new int[senders];
            for (int n = 0; n < senders * perSender; n++) {
                byte[] m = receive(echo);
                ByteBuffer b = ByteBuffer.wrap(m);
                int sender = b.getInt();
                int seq = b.getInt();
                assertThat(sender).as("sender id").isBetween(0, senders - 1);
                assertThat(seq).as("order of sender %d", sender).isEqualTo(next[sender]);
                assertThat(m)
                        .as("content of message %d of sender %d", seq, sender)
                        .isEqualTo(patterned(sender, seq));
                next[sender]++;
            }
            for (Future<?> f : done) {
                f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(echo.receive(Duration.ofMillis(200))).as("no duplicates").isNull();
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ backpressure

    @Test
    void slowConsumerEngagesBackpressureKeepsMemoryBoundedAndLosesNothing() throws Exception {
        requireReliable();
        Channel<byte[]> control = open(shared, "control " + tag());
        control.send(text("shut-gate"));
        assertThat(receiveText(control)).isEqualTo("ok");
        Channel<byte[]> data;
        try {
            data = open(shared, "gated-sink " + tag());
            // The gated sink takes the first message and then blocks: from there on only buffers fill up.
            long accepted = 0;
            long bound = 256L << 20;
            long seq = 0;
            // Send until the channel stays unwritable: a transport with kernel buffers (tcp, unix) turns writable
            // again for a while as they absorb what is pending, until they are full too.
            while (accepted < bound) {
                if (data.isWritable()) {
                    data.send(sequenced(seq++, 1024));
                    accepted += 1024;
                } else if (!data.awaitWritable(Duration.ofMillis(100))) {
                    break;
                }
            }
            assertThat(data.isWritable())
                    .as("the sender saw backpressure before %d MiB went out to a stalled consumer", bound >> 20)
                    .isFalse();
            assertThat(data.pendingBytes())
                    .as("pending bytes stay within the outbound bound")
                    .isLessThanOrEqualTo(64L << 20);
            assertThat(data.awaitWritable(Duration.ofMillis(100)))
                    .as("stays unwritable while the consumer is stalled")
                    .isFalse();
            control.send(text("open-gate"));
            assertThat(receiveText(control)).isEqualTo("ok");
            long total = Math.max(seq, 20_000);
            while (seq < total) {
                sendPaced(data, sequenced(seq++, 1024));
            }
            sendPaced(data, sequenced(ConformanceAgent.END, 8));
            assertThat(receiveText(data)).isEqualTo("sink " + total + " " + total * 1024 + " 0");
        } finally {
            control.send(text("open-gate"));
        }
    }

    // ------------------------------------------------------------------ closing

    @Test
    void localCloseIsIdempotentReportedLocallyAndSeenByThePeer() throws Exception {
        requireConnections();
        String tag = tag();
        Channel<byte[]> channel = open(shared, "echo " + tag);
        Channel<byte[]> control = open(shared, "control " + tag());
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
        Channel<byte[]> channel = open(shared, "close-after " + tag() + " 1");
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
        Channel<byte[]> channel = conduit.connect(shared.uri(), Codecs.bytes());
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
        Channel<byte[]> channel = open(shared, "sink " + tag());
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (long i = 0; i < 2_000; i++) {
            if (!channel.isWritable()) {
                break;
            }
            sends.add(channel.send(sequenced(i, 512)));
        }
        channel.close();
        for (CompletableFuture<Void> f : sends) {
            try {
                f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(ChannelClosedException.class);
            }
        }
        assertThat(channel.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(CloseReason.LOCAL);
        assertThat(channel.pendingBytes()).isZero();
    }

    @Test
    void peerGoneClosesTheChannelWithAReason() throws Exception {
        requireConnections();
        Peer own = startPeer(listenUri());
        toClose.add(own);
        Channel<byte[]> channel = open(own, "echo " + tag());
        own.kill();
        CloseReason reason = channel.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
        assertThat(channel.isOpen()).isFalse();
    }

    // ------------------------------------------------------------------ limits and errors

    @Test
    void oversizedFrameIsRejectedNamingLimitAndSizeAndListenerKeepsServing() throws Exception {
        requireConnections();
        requireMessagesOf(100_000);
        Peer small = startPeer(withOptions(listenUri(), "maxFrame=65536"));
        toClose.add(small);
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
        assertThat(reason.get()).contains("100000").contains("65536");

        Channel<byte[]> echo = open(small, "echo " + tag());
        echo.send(text("still serving"));
        assertThat(receiveText(echo)).isEqualTo("still serving");
    }

    @Test
    void sendingMoreThanMaxFrameFailsTheSendNamingTheLimitAndKeepsTheChannel() throws Exception {
        Channel<byte[]> echo =
                conduit.connect(Endpoint.parse(shared.uri()).with(ChannelOptions.MAX_FRAME, 1024), Codecs.bytes());
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
        assertThatThrownBy(() -> conduit.connect(uri, Codecs.bytes()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining(Endpoint.parse(uri).address());
    }

    // ------------------------------------------------------------------ listeners and runtime

    @Test
    void manyChannelsOnOneListenerEachKeepTheirOwnConversation() throws Exception {
        int channels = 64;
        List<Channel<byte[]>> open = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            open.add(open(shared, "echo " + tag()));
        }
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < channels; i++) {
                open.get(i).send(patterned(i, round));
            }
            for (int i = 0; i < channels; i++) {
                assertThat(receive(open.get(i))).isEqualTo(patterned(i, round));
            }
        }
    }

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
        long fdsBefore = ResourceCheck.openFileDescriptors();
        String name = "leakcheck" + TAGS.incrementAndGet();
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
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(ResourceCheck.threadsNamed("conduit-" + name + "-"))
                    .as("threads left")
                    .isEmpty();
            assertThat(runtime.stats().pooledBuffers())
                    .as("pooled buffers left")
                    .isZero();
        });
        if (fdsBefore >= 0) {
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(ResourceCheck.openFileDescriptors())
                            .as("open file descriptors")
                            .isLessThanOrEqualTo(fdsBefore));
        }
        if (bound != null) {
            assertListenerCleanedUp(bound);
        }
    }

    private Channel<byte[]> remoteEcho(Conduit runtime) throws InterruptedException {
        Channel<byte[]> remote = runtime.connect(shared.uri(), Codecs.bytes());
        remote.send(text("echo " + tag()));
        assertThat(receiveText(remote)).isEqualTo("ok");
        return remote;
    }

    // ------------------------------------------------------------------ helpers

    /** Connects to {@code peer} and sets the channel's mode; waits for the agent's {@code ok}. */
    protected Channel<byte[]> open(Peer peer, String mode) throws InterruptedException {
        Channel<byte[]> channel = conduit.connect(peer.uri(), Codecs.bytes());
        channel.send(text(mode));
        assertThat(receiveText(channel)).as("agent's answer to '%s'", mode).isEqualTo("ok");
        return channel;
    }

    /** Appends {@code options} ({@code a=1&b=2}) to {@code uri}'s query. */
    protected static String withOptions(String uri, String options) {
        return uri + (uri.contains("?") ? "&" : "?") + options;
    }

    /** A unique tag for naming channels at the agent. */
    protected static String tag() {
        return "t" + TAGS.incrementAndGet();
    }

    /** Receives one message, failing the test if none arrives within {@link #TIMEOUT}. */
    protected static byte[] receive(Channel<byte[]> channel) throws InterruptedException {
        byte[] m = channel.receive(TIMEOUT);
        assertThat(m).as("a message within %s", TIMEOUT).isNotNull();
        return m;
    }

    /** Receives one message as text. */
    protected static String receiveText(Channel<byte[]> channel) throws InterruptedException {
        return new String(receive(channel), StandardCharsets.UTF_8);
    }

    /** Sends after waiting for writability, as a well-behaved producer does. */
    protected static void sendPaced(Channel<byte[]> channel, byte[] message) throws InterruptedException {
        if (!channel.isWritable()) {
            assertThat(channel.awaitWritable(TIMEOUT))
                    .as("writable again within %s", TIMEOUT)
                    .isTrue();
        }
        channel.send(message);
    }

    /** UTF-8 bytes of {@code s}. */
    protected static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A message of {@code size} bytes starting with {@code seq}. */
    protected static byte[] sequenced(long seq, int size) {
        byte[] m = new byte[size];
        ByteBuffer.wrap(m).putLong(seq);
        return m;
    }

    /** A message whose every byte derives from (sender, seq), of a size that varies with them. */
    protected static byte[] patterned(int sender, int seq) {
        int size = 8 + (sender * 131 + seq * 17) % 1500;
        byte[] m = new byte[size];
        ByteBuffer b = ByteBuffer.wrap(m).putInt(sender).putInt(seq);
        for (int i = 8; i < size; i++) {
            m[i] = (byte) (sender * 31 + seq * 7 + i);
        }
        return b.array();
    }
}
