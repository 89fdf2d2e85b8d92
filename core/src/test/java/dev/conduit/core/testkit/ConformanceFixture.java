package dev.conduit.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * What a transport tells the {@link ChannelConformanceSuite} about itself (the hooks below), and what the suite's
 * tests share: the shared peer, a fresh client runtime per test, and helpers. Transports extend the suite, not this.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceFixture {
    /** How long any single wait may take before the test fails. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** How long a peer's death may take to be noticed: instant in practice, generous for a loaded 2-core machine. */
    protected static final Duration NOTICE = Duration.ofSeconds(5);

    private static final AtomicInteger TAGS = new AtomicInteger();

    private Peer shared;
    /** The clients' runtime, fresh for each test. */
    protected Conduit conduit;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** A URI for a fresh listener of the transport under test: an ephemeral port, a fresh name or temp path. */
    protected abstract String listenUri();

    /** A URI of the transport under test where nothing listens. */
    protected abstract String unboundUri();

    /**
     * What the error of a connect to {@code unboundUri} (from {@link #unboundUri()}) must name so that a user knows
     * what failed: its address by default. A transport whose endpoints have no address (pipe) names what stands for
     * one.
     */
    protected String nameOfUnbound(String unboundUri) {
        return Endpoint.parse(unboundUri).address();
    }

    /** Starts a {@link ConformanceAgent} listening on {@code listenUri}; in this JVM unless overridden. */
    protected Peer startPeer(String listenUri) {
        return Peer.inProcess(listenUri);
    }

    /**
     * Starts a {@link ConformanceAgent} on {@code listenUri} in a process of its own, whose {@link Peer#kill()} is a
     * SIGKILL: a {@link PeerProcess} unless overridden. A transport that cannot reach another process (inproc) aborts
     * the calling test with its reason.
     */
    protected Peer startPeerProcess(String listenUri) {
        return PeerProcess.start(listenUri);
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

    protected final void requireReliable() {
        assumeTrue(
                reliable(),
                "not applicable: " + getClass().getSimpleName()
                        + " does not guarantee delivery, order or flow control (reliable() is false)");
    }

    protected final void requireConnections() {
        assumeTrue(
                connectionOriented(),
                "not applicable: " + getClass().getSimpleName()
                        + " has no connections, so no connect refusal and no close seen by the peer"
                        + " (connectionOriented() is false)");
    }

    protected final void requireMessagesOf(int size) {
        assumeTrue(
                maxMessageSize() >= size,
                "not applicable: " + getClass().getSimpleName() + " carries messages of at most " + maxMessageSize()
                        + " bytes, and this test needs " + size);
    }

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

    /** The peer started once for the whole class. */
    protected final Peer shared() {
        return shared;
    }

    /** Closes {@code resource} after the test, before the client runtime; returns it. */
    protected final <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

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

    /**
     * Sends up to 2,000 messages of 512 B (while the channel takes them), closes it at once, and asserts that each
     * send completed or failed as closed, that the close was local and that nothing is left pending.
     */
    static void assertInFlightSendsCompleteOrFailOnClose(Channel<byte[]> channel) throws Exception {
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
