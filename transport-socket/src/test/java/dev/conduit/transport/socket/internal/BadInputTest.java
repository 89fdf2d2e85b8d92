package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.FramingException;
import dev.conduit.core.Listener;
import dev.conduit.core.testkit.ResourceCheck;
import dev.conduit.transport.socket.IdleTimeoutException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a tcp listener does with peers that misbehave: each case closes only that connection, with a reason that says
 * what was wrong, the listener keeps serving its other clients, and nothing is left behind.
 */
class BadInputTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Conduit server;
    private Conduit client;
    private Listener<String> listener;
    /** Close reasons of the listener's channels, by the client's local port. */
    private final Map<Integer, CloseReason> reasons = new ConcurrentHashMap<>();
    /**
     * Every close reason of the first listener's channels, in order. A port is no key for many connections: with
     * {@code tcp_tw_reuse} (Linux's default for loopback) a client port in TIME_WAIT is soon given to the next one.
     */
    private final Queue<CloseReason> closes = new ConcurrentLinkedQueue<>();

    private Channel<String> wellBehaved;

    @BeforeEach
    void start() throws Exception {
        server = Conduit.builder().name("bad-input").build();
        client = Conduit.builder().name("good-client").build();
        listener = server.listen("tcp://127.0.0.1:0?maxFrame=64k", Codecs.text(), ch -> {
            ch.closeFuture().thenAccept(r -> {
                reasons.put(ch.remoteEndpoint().port(), r);
                closes.add(r);
            });
            ch.onMessage(Channel::send);
        });
        wellBehaved = client.connect(listener.endpoint(), Codecs.text());
        assertStillServing();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void garbageBytesCloseThatConnectionNamingTheProblem() throws Exception {
        try (Socket raw = connect()) {
            raw.getOutputStream().write("GET / HTTP/1.1\r\nHost: conduit\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertHungUp(raw);
            CloseReason reason = reasonFor(raw);
            // "GET " read as a length: 0x47455420 bytes
            assertThat(reason.error())
                    .isInstanceOf(FrameTooLargeException.class)
                    .hasMessageContaining(String.valueOf(0x47455420))
                    .hasMessageContaining("65536");
        }
        try (Socket raw = connect()) {
            raw.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x01, 'x'});
            assertHungUp(raw);
            assertThat(reasonFor(raw).error())
                    .isInstanceOf(FramingException.class)
                    .hasMessageContaining("negative");
        }
        assertStillServing();
    }

    @Test
    void aLengthPrefixOverTheLimitIsRefusedBeforeAnyAllocation() throws Exception {
        try (Socket raw = connect()) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.writeInt(1 << 30); // claims a GiB; only the header is sent
            out.flush();
            assertHungUp(raw);
            FrameTooLargeException e = (FrameTooLargeException) reasonFor(raw).error();
            assertThat(e.size()).isEqualTo(1 << 30);
            assertThat(e.limit()).isEqualTo(64 << 10);
        }
        assertThat(server.stats().directMemory()).as("no GiB buffer").isLessThan(64L << 20);
        assertStillServing();
    }

    @Test
    void aHalfSentFrameFollowedByADisconnectIsReportedAsTruncated() throws Exception {
        try (Socket raw = connect()) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.writeInt(1000);
            out.write(new byte[300]);
            out.flush();
            await().atMost(TIMEOUT).until(() -> listener.channels().size() == 2);
            raw.shutdownOutput();
            await().atMost(TIMEOUT).until(() -> reasons.containsKey(raw.getLocalPort()));
            CloseReason reason = reasons.get(raw.getLocalPort());
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
            assertThat(reason.error())
                    .isInstanceOf(FramingException.class)
                    .hasMessageContaining("truncated")
                    .hasMessageContaining("1000");
        }
        assertStillServing();
    }

    @Test
    void aClientThatConnectsAndSendsNothingCostsOneIdleChannelAndGoesAwayCleanly() throws Exception {
        try (Socket raw = connect()) {
            await().atMost(TIMEOUT).until(() -> listener.channels().size() == 2);
            assertStillServing();
            raw.close();
            await().atMost(TIMEOUT).until(() -> reasons.containsKey(raw.getLocalPort()));
            assertThat(reasons.get(raw.getLocalPort())).isEqualTo(CloseReason.PEER);
        }
        await().atMost(TIMEOUT).until(() -> listener.channels().size() == 1);

        // with an idle timeout the listener does not even wait for the client to leave
        Listener<String> strict = server.listen(
                "tcp://127.0.0.1:0?idleTimeout=200ms",
                Codecs.text(),
                ch -> ch.closeFuture()
                        .thenAccept(r -> reasons.put(ch.remoteEndpoint().port(), r)));
        try (Socket raw =
                new Socket(InetAddress.getLoopbackAddress(), strict.endpoint().port())) {
            raw.setSoTimeout((int) TIMEOUT.toMillis());
            assertHungUp(raw);
            assertThat(reasonFor(raw).error()).isInstanceOf(IdleTimeoutException.class);
        }
    }

    @Test
    void aThousandConnectionsOpenedAndDroppedLeaveNothingBehind() throws Exception {
        Map<Integer, String> fdsBefore = ResourceCheck.fileDescriptors();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int worker = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 125; i++) {
                        try (Socket raw = connect()) {
                            if ((i + worker) % 3 == 0) {
                                raw.getOutputStream().write(new byte[] {0, 0}); // half a length field
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertStillServing();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(listener.channels())
                    .as("only the well-behaved client is left")
                    .hasSize(1);
            assertThat(server.stats().openChannels()).isEqualTo(1);
            assertThat(ResourceCheck.openedSince(fdsBefore))
                    .as("file descriptors opened since the test began and still open")
                    .isEmpty();
            // A close future completes just after its channel left the listener's set: wait for the reasons too.
            assertThat(closes).as("close reasons recorded").hasSize(1_000);
        });
        assertThat(closes.stream().filter(r -> r.kind() == CloseReason.Kind.ERROR))
                .as("half-sent length fields are reported as truncated frames")
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.error()).hasMessageContaining("truncated"));

        // Pooled buffers sit in the event loops' caches while the runtime runs; closing it must return every one.
        server.close();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(server.stats().pooledBuffers()).as("pooled buffers").isZero();
            assertThat(ResourceCheck.threadsNamed("conduit-bad-input-"))
                    .as("threads")
                    .isEmpty();
        });
    }

    private Socket connect() throws IOException {
        Socket s =
                new Socket(InetAddress.getLoopbackAddress(), listener.endpoint().port());
        s.setSoTimeout((int) TIMEOUT.toMillis());
        return s;
    }

    private CloseReason reasonFor(Socket raw) {
        await().atMost(TIMEOUT).until(() -> reasons.containsKey(raw.getLocalPort()));
        return reasons.get(raw.getLocalPort());
    }

    private void assertStillServing() throws InterruptedException {
        String probe = "still serving " + System.nanoTime();
        wellBehaved.send(probe);
        assertThat(wellBehaved.receive(TIMEOUT)).isEqualTo(probe);
    }

    /** The server closed the connection: end of stream or a reset, within the timeout. */
    private static void assertHungUp(Socket raw) throws IOException {
        InputStream in = raw.getInputStream();
        try {
            assertThat(in.read()).as("end of stream").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not hang up within " + TIMEOUT, e);
        } catch (IOException reset) {
            // a reset is a hang-up too
        }
    }
}
