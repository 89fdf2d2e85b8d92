package dev.conduit.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every transport passes unchanged: "unified" means this. A transport's test extends it and
 * says how to name a fresh endpoint ({@link #listenUri()}), an endpoint where nothing listens ({@link
 * #unboundUri()}), and where the peer runs ({@link #startPeer}: in this JVM by default, or {@link PeerProcess} for a
 * child JVM; {@link #startPeerProcess} for the test that kills one). Its hooks are in {@link ConformanceFixture}; the
 * tests of closing, limits and resources in {@link ConformanceLifecycleSuite}; ordering, sizes, concurrency and
 * backpressure here.
 *
 * <p>A transport without delivery guarantees or connections (udp) says so with {@link #reliable()}, {@link
 * #connectionOriented()} and {@link #maxMessageSize()}; the tests that need what it lacks are then reported as not
 * applicable, each with the reason, rather than run.
 *
 * <p>Clients run in this JVM in a fresh runtime per test; they talk to a {@link ConformanceAgent}. Every wait has a
 * timeout and no test sleeps. Netty leak detection runs at PARANOID and a leak fails the test.
 */
public abstract class ChannelConformanceSuite extends ConformanceLifecycleSuite {

    // ------------------------------------------------------------------ ordering and sizes

    @Test
    void hundredThousandMessagesArriveInOrderInBothDirections() throws Exception {
        requireReliable();
        int count = 100_000;
        Channel<byte[]> toSink = open(shared(), "sink " + tag());
        for (long i = 0; i < count; i++) {
            sendPaced(toSink, sequenced(i, 16));
        }
        sendPaced(toSink, sequenced(ConformanceAgent.END, 8));
        assertThat(receiveText(toSink)).isEqualTo("sink " + count + " " + (16L * count) + " 0");

        Channel<byte[]> fromSource = open(shared(), "source " + tag() + " " + count + " 16");
        for (long i = 0; i < count; i++) {
            byte[] m = receive(fromSource);
            assertThat(ByteBuffer.wrap(m).getLong()).as("sequence number").isEqualTo(i);
        }
    }

    @Test
    void messagesOfZeroOneAndSixtyFourKibibytesAndEightMebibytesRoundTripIntact() throws Exception {
        requireReliable();
        requireMessagesOf(8 << 20);
        Channel<byte[]> echo = open(shared(), "echo " + tag());
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
        Channel<byte[]> echo = open(shared(), "echo " + tag());
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
        int size = 1024;
        Channel<byte[]> control = open(shared(), "control " + tag());
        Channel<byte[]> data = open(shared(), "gated-sink " + tag());
        StalledStreamMemory.Side senderBefore = StalledStreamMemory.Side.sender(conduit, data);
        StalledStreamMemory.Side receiverBefore = StalledStreamMemory.Side.receiver(control, TIMEOUT);
        control.send(text("shut-gate"));
        assertThat(receiveText(control)).isEqualTo("ok");
        try {
            // The gated sink takes the first message and then blocks: from there on only buffers fill up.
            long accepted = 0;
            long bound = 256L << 20;
            long seq = 0;
            // Send until the channel stays unwritable: a transport with kernel buffers (tcp, unix) turns writable
            // again for a while as they absorb what is pending, until they are full too.
            while (accepted < bound) {
                if (data.isWritable()) {
                    data.send(sequenced(seq++, size));
                    accepted += size;
                } else if (!data.awaitWritable(Duration.ofMillis(100))) {
                    break;
                }
            }
            assertThat(data.isWritable())
                    .as("the sender saw backpressure before %d MiB went out to a stalled consumer", bound >> 20)
                    .isFalse();
            assertThat(data.awaitWritable(Duration.ofMillis(100)))
                    .as("stays unwritable while the consumer is stalled")
                    .isFalse();
            StalledStreamMemory.assertBounded(
                    size,
                    senderBefore,
                    StalledStreamMemory.Side.sender(conduit, data),
                    receiverBefore,
                    StalledStreamMemory.Side.receiver(control, TIMEOUT));
            control.send(text("open-gate"));
            assertThat(receiveText(control)).isEqualTo("ok");
            long total = Math.max(seq, 20_000);
            while (seq < total) {
                sendPaced(data, sequenced(seq++, size));
            }
            sendPaced(data, sequenced(ConformanceAgent.END, 8));
            assertThat(receiveText(data)).isEqualTo("sink " + total + " " + total * size + " 0");
        } finally {
            control.send(text("open-gate"));
        }
    }

    // ------------------------------------------------------------------ many channels

    @Test
    void manyChannelsOnOneListenerEachKeepTheirOwnConversation() throws Exception {
        int channels = 64;
        List<Channel<byte[]>> open = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            open.add(open(shared(), "echo " + tag()));
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
}
