package dev.conduit.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.MessageHandler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a durable queue with named readers promises through the {@link Channel} API, for every such transport:
 * {@code queue:///dir} and, later, a JetStream stream. A transport's test extends it and says how to name a fresh
 * queue ({@link #newQueue()}, a URI without options) and where a reader's stored position is ({@link
 * #nextIndexOf}); the suite adds {@code reader=}, {@code from=} and {@code maxFrame=} to it.
 *
 * <p>The model: {@code send} appends; a channel with {@code reader=NAME} delivers from that reader's stored position,
 * which moves past a message once the application has it (its handler returned, or {@code receive} returned it), so
 * delivery is at least once and never skips; a reader without a stored position starts at {@code from} ({@code end}
 * by default, {@code start}, or an index). One channel reads with a reader at a time; a channel without a reader
 * only appends. There is no listener.
 *
 * <p>It also runs what applies of {@link ChannelConformanceSuite} to a queue: order and sizes, concurrent senders,
 * {@code maxFrame} on both sides, handler delivery, local close and the runtime's clean-up (the rest needs a
 * connected peer: backpressure from a slow consumer, a peer's close or death, connect refusal, listeners).
 */
public abstract class QueueSemanticsSuite {
    /** How long any single wait may take before the test fails. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The runtime of the test's channels, fresh for each test. */
    protected Conduit conduit;

    /** A URI of a fresh, empty queue, without options. */
    protected abstract String newQueue();

    /** The index of the next message reader {@code reader} of {@code queue} will deliver, from its stored position. */
    protected abstract long nextIndexOf(String queue, String reader);

    @BeforeEach
    void createRuntime() {
        conduit = Conduit.builder().name("queue-test").build();
    }

    @AfterEach
    void closeRuntime() {
        conduit.close();
        afterRuntimeClosed();
    }

    /** Called after each test, once its runtime has closed: the place to remove the test's queues. */
    protected void afterRuntimeClosed() {}

    /** {@code queue} with {@code options} ({@code a=1&b=2}) added to its query. */
    protected static String with(String queue, String options) {
        return queue + (queue.contains("?") ? "&" : "?") + options;
    }

    // ------------------------------------------------------------------ readers and positions

    @Test
    void appendedMessagesReachANamedReaderOnceAndInOrder() throws Exception {
        String q = newQueue();
        Channel<byte[]> writer = conduit.connect(q, Codecs.bytes());
        for (long i = 0; i < 1_000; i++) {
            writer.send(sequenced(i, 32)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        Channel<byte[]> reader = conduit.connect(with(q, "reader=r&from=start"), Codecs.bytes());
        for (long i = 0; i < 1_000; i++) {
            assertThat(ByteBuffer.wrap(receive(reader)).getLong()).as("message").isEqualTo(i);
        }
        assertThat(reader.receive(Duration.ofMillis(100))).as("no duplicate").isNull();
    }

    @Test
    void aNewReaderStartsAtTheEndByDefaultAndAtTheStartWhenAsked() throws Exception {
        String q = newQueue();
        Channel<String> writer = conduit.connect(q, Codecs.text());
        writer.send("before").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Channel<String> late = conduit.connect(with(q, "reader=late"), Codecs.text());
        Channel<String> replay = conduit.connect(with(q, "reader=replay&from=start"), Codecs.text());
        writer.send("after").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(late.receive(TIMEOUT)).isEqualTo("after");
        assertThat(replay.receive(TIMEOUT)).isEqualTo("before");
        assertThat(replay.receive(TIMEOUT)).isEqualTo("after");
    }

    @Test
    void aReaderResumesRightAfterTheLastMessageItDelivered() throws Exception {
        String q = newQueue();
        Channel<String> writer = conduit.connect(q, Codecs.text());
        for (int i = 0; i < 10; i++) {
            writer.send("m" + i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        String uri = with(q, "reader=resume&from=start");
        try (Channel<String> first = conduit.connect(uri, Codecs.text())) {
            for (int i = 0; i < 4; i++) {
                assertThat(first.receive(TIMEOUT)).isEqualTo("m" + i);
            }
        }
        Channel<String> second = connectWhenFree(uri);
        assertThat(second.receive(TIMEOUT))
                .as("after m3, the last one delivered")
                .isEqualTo("m4");
        second.close();
        second.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        // A stored position wins over from=: from applies to a reader that has none.
        Channel<String> third = connectWhenFree(with(q, "reader=resume&from=end"));
        assertThat(third.receive(TIMEOUT)).isEqualTo("m5");
    }

    @Test
    void aMessageWhoseHandlerThrowsIsDeliveredAgainNotSkipped() throws Exception {
        String q = newQueue();
        String uri = with(q, "reader=retry&from=start");
        Channel<String> writer = conduit.connect(q, Codecs.text());
        for (String m : List.of("ok-1", "poison", "ok-2")) {
            writer.send(m).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        List<String> seen = new CopyOnWriteArrayList<>();
        Channel<String> first = conduit.connect(uri, Codecs.text());
        first.onMessage((c, m) -> {
            seen.add(m);
            if (m.equals("poison")) {
                throw new IllegalStateException("handler failed on purpose");
            }
        });
        first.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(seen).startsWith("ok-1", "poison");
        Channel<String> second = connectWhenFree(uri);
        assertThat(second.receive(TIMEOUT))
                .as("the message whose handler threw comes again")
                .isEqualTo("poison");
        assertThat(second.receive(TIMEOUT)).isEqualTo("ok-2");
    }

    @Test
    void twoReadersKeepTheirOwnPositionsAndEachGetsEveryMessage() throws Exception {
        String q = newQueue();
        Channel<String> a = conduit.connect(with(q, "reader=a&from=start"), Codecs.text());
        Channel<String> b = conduit.connect(with(q, "reader=b&from=start"), Codecs.text());
        for (int i = 0; i < 100; i++) {
            a.send("m" + i); // any channel appends, reader or not
        }
        for (int i = 0; i < 100; i++) {
            assertThat(a.receive(TIMEOUT)).isEqualTo("m" + i);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(b.receive(TIMEOUT)).isEqualTo("m" + i);
        }
    }

    @Test
    void oneChannelReadsWithANamedReaderAtATime() throws Exception {
        String q = newQueue();
        Channel<String> first = conduit.connect(with(q, "reader=solo"), Codecs.text());
        assertThatThrownBy(() -> conduit.connect(with(q, "reader=solo"), Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("solo")
                .hasMessageContaining("in use");
        first.close();
        first.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(connectWhenFree(with(q, "reader=solo")).isOpen()).isTrue();
    }

    @Test
    void fromAnIndexStartsAtThatMessage() throws Exception {
        String q = newQueue();
        Channel<String> writer = conduit.connect(q, Codecs.text());
        for (int i = 0; i < 5; i++) {
            writer.send("m" + i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        try (Channel<String> r = conduit.connect(with(q, "reader=probe&from=start"), Codecs.text())) {
            for (int i = 0; i < 3; i++) {
                assertThat(r.receive(TIMEOUT)).isEqualTo("m" + i);
            }
        }
        long indexOfM3 = await().atMost(TIMEOUT).until(() -> nextIndexOf(q, "probe"), i -> i >= 0);
        Channel<String> other = conduit.connect(with(q, "reader=other&from=" + indexOfM3), Codecs.text());
        assertThat(other.receive(TIMEOUT)).isEqualTo("m3");
        assertThat(other.receive(TIMEOUT)).isEqualTo("m4");
    }

    @Test
    void aChannelWithoutAReaderOnlyAppendsAndReceivingFailsSayingSo() {
        String q = newQueue();
        Channel<String> writer = conduit.connect(q, Codecs.text());
        assertThatThrownBy(() -> writer.receive(Duration.ofDays(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reader=");
        assertThatThrownBy(() -> writer.onMessage((c, m) -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reader=");
    }

    @Test
    void listeningIsRefusedWithAnExplanationOfTheModel() {
        String q = newQueue();
        assertThatThrownBy(() -> conduit.listen(q, Codecs.text()))
                .isInstanceOf(BindFailedException.class)
                .hasMessageContaining("reader=");
    }

    // ------------------------------------------------------------------ what applies of the conformance suite

    @Test
    void messagesOfZeroOneAndSixtyFourKibibytesAndEightMebibytesArriveIntact() throws Exception {
        Channel<byte[]> channel = conduit.connect(with(newQueue(), "reader=sizes"), Codecs.bytes());
        Random random = new Random(42);
        for (int size : new int[] {0, 1, 64 << 10, 8 << 20, 0, 1}) {
            byte[] m = new byte[size];
            random.nextBytes(m);
            channel.send(m).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            byte[] back = receive(channel);
            assertThat(back.length).as("size").isEqualTo(size);
            assertThat(Arrays.equals(back, m)).as("%d bytes intact", size).isTrue();
        }
    }

    @Test
    void eightConcurrentSendersLoseNothingAndNeitherInterleaveNorDuplicate() throws Exception {
        int senders = 8;
        int perSender = 2_000;
        String q = newQueue();
        Channel<byte[]> reader = conduit.connect(with(q, "reader=all"), Codecs.bytes());
        Channel<byte[]> shared = conduit.connect(q, Codecs.bytes());
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                // Half share one channel, half have their own: both must keep each sender's order.
                Channel<byte[]> out = s % 2 == 0 ? shared : conduit.connect(q, Codecs.bytes());
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perSender; i++) {
                        out.send(patterned(sender, i)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            int[] next = new int[senders];
            for (int n = 0; n < senders * perSender; n++) {
                byte[] m = receive(reader);
                ByteBuffer b = ByteBuffer.wrap(m);
                int sender = b.getInt();
                int seq = b.getInt();
                assertThat(sender).as("sender id").isBetween(0, senders - 1);
                assertThat(seq).as("order of sender %d", sender).isEqualTo(next[sender]);
                assertThat(m).as("content of %d/%d", sender, seq).isEqualTo(patterned(sender, seq));
                next[sender]++;
            }
            for (Future<?> f : done) {
                f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(reader.receive(Duration.ofMillis(200)))
                    .as("no duplicates")
                    .isNull();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sendingMoreThanMaxFrameFailsTheSendNamingTheLimitAndKeepsTheChannel() throws Exception {
        Channel<String> channel = conduit.connect(with(newQueue(), "reader=small&maxFrame=1024"), Codecs.text());
        assertThatThrownBy(() -> channel.send("x".repeat(1025)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining("1025")
                .hasMessageContaining("1024");
        channel.send("fine");
        assertThat(channel.receive(TIMEOUT)).isEqualTo("fine");
    }

    @Test
    void aStoredMessageLargerThanTheReadersMaxFrameClosesTheReaderNamingBothAndIsNotDelivered() throws Exception {
        String q = newQueue();
        conduit.connect(q, Codecs.bytes()).send(new byte[4096]).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Channel<byte[]> reader = conduit.connect(with(q, "reader=tight&from=start&maxFrame=1000"), Codecs.bytes());
        CloseReason reason = reader.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.error()).isInstanceOf(FrameTooLargeException.class);
        assertThat(reason.error().getMessage()).contains("4096").contains("1000");
        assertThatThrownBy(() -> reader.receive(TIMEOUT)).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void aHandlerGetsEveryMessageInOrderNeverConcurrentlyThenOnCloseOnce() throws Exception {
        String q = newQueue();
        int count = 5_000;
        Channel<byte[]> writer = conduit.connect(q, Codecs.bytes());
        for (long i = 0; i < count; i++) {
            writer.send(sequenced(i, 16));
        }
        writer.send(sequenced(-1, 16)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Channel<byte[]> reader = conduit.connect(with(q, "reader=h&from=start"), Codecs.bytes());
        List<Long> seen = new CopyOnWriteArrayList<>();
        List<CloseReason> closes = new CopyOnWriteArrayList<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        reader.onMessage(new MessageHandler<>() {
            @Override
            public void onMessage(Channel<byte[]> ch, byte[] message) {
                if (concurrent.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                long seq = ByteBuffer.wrap(message).getLong();
                if (seq < 0) {
                    ch.close();
                } else {
                    seen.add(seq);
                }
                concurrent.decrementAndGet();
            }

            @Override
            public void onClose(Channel<byte[]> ch, CloseReason reason) {
                closes.add(reason);
            }
        });
        await().atMost(TIMEOUT).until(() -> !closes.isEmpty());
        assertThat(seen).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
        assertThat(overlaps.get()).as("concurrent handler calls").isZero();
        assertThat(closes).containsExactly(CloseReason.LOCAL);
    }

    @Test
    void localCloseIsIdempotentAndLaterSendsAndReceivesFail() throws Exception {
        Channel<byte[]> channel = conduit.connect(with(newQueue(), "reader=c"), Codecs.bytes());
        channel.close();
        channel.close();
        assertThat(channel.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(CloseReason.LOCAL);
        assertThat(channel.isOpen()).isFalse();
        assertThatThrownBy(() -> channel.send(text("late")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> channel.receive(Duration.ofSeconds(1))).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void inFlightSendsAllCompleteOrFailWhenTheChannelCloses() throws Exception {
        ConformanceFixture.assertInFlightSendsCompleteOrFailOnClose(conduit.connect(newQueue(), Codecs.bytes()));
    }

    @Test
    void runtimeCloseLeavesNoThreadNoFileDescriptorAndNoPooledBuffer() throws Exception {
        Map<Integer, String> fdsBefore = ResourceCheck.fileDescriptors();
        String name = "queueleak" + System.nanoTime();
        Conduit runtime = Conduit.builder().name(name).build();
        try {
            for (String idle : List.of("spin", "backoff", "block")) {
                String q = newQueue();
                Channel<byte[]> c =
                        runtime.connect(with(q, "reader=" + idle + "&from=start&idle=" + idle), Codecs.bytes());
                for (int i = 0; i < 100; i++) {
                    c.send(patterned(i, i));
                }
                for (int i = 0; i < 100; i++) {
                    assertThat(receive(c)).isEqualTo(patterned(i, i));
                }
            }
        } finally {
            runtime.close();
        }
        assertThat(runtime.stats().openChannels()).isZero();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(ResourceCheck.threadsNamed("conduit-" + name + "-"))
                    .as("threads left")
                    .isEmpty();
            assertThat(runtime.stats().pooledBuffers())
                    .as("pooled buffers left")
                    .isZero();
        });
        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(ResourceCheck.openedSince(fdsBefore))
                        .as("file descriptors opened and left open")
                        .isEmpty());
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Connects to {@code uri} once the previous channel of its reader has let it go: a close completes before every
     * transport has given the reader back, so a connect right after may find it still taken.
     */
    protected Channel<String> connectWhenFree(String uri) {
        return await().atMost(TIMEOUT)
                .ignoreExceptionsInstanceOf(ConnectFailedException.class)
                .until(() -> conduit.connect(uri, Codecs.text()), c -> true);
    }

    /** Receives one message, failing the test if none arrives within {@link #TIMEOUT}. */
    protected static byte[] receive(Channel<byte[]> channel) throws InterruptedException {
        byte[] m = channel.receive(TIMEOUT);
        assertThat(m).as("a message within %s", TIMEOUT).isNotNull();
        return m;
    }

    /** UTF-8 bytes of {@code s}. */
    protected static byte[] text(String s) {
        return ConformanceFixture.text(s);
    }

    /** A message of {@code size} bytes starting with {@code seq}. */
    protected static byte[] sequenced(long seq, int size) {
        return ConformanceFixture.sequenced(seq, size);
    }

    /** A message whose every byte derives from (sender, seq), of a size that varies with them. */
    protected static byte[] patterned(int sender, int seq) {
        return ConformanceFixture.patterned(sender, seq);
    }
}
