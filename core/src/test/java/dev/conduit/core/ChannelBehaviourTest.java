package dev.conduit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Channel API behaviours that every transport inherits from core, exercised over inproc. */
class ChannelBehaviourTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Conduit conduit;
    private Listener<String> listener;

    @BeforeEach
    void start() {
        conduit = Conduit.builder().name("behaviour").build();
    }

    @AfterEach
    void stop() {
        conduit.close();
    }

    private Channel<String> pair(String options) throws InterruptedException {
        listener = conduit.listen("inproc://*" + options, Codecs.text());
        Channel<String> client = conduit.connect(listener.endpoint(), Codecs.text());
        return client;
    }

    private Channel<String> server() throws InterruptedException {
        Channel<String> s = listener.accept(WAIT);
        assertThat(s).isNotNull();
        return s;
    }

    @Test
    void receiveTimesOutWithNull() throws Exception {
        Channel<String> client = pair("");
        assertThat(client.receive(Duration.ofMillis(20))).isNull();
    }

    @Test
    void pushAndPullAreExclusiveAndAHandlerIsSetOnce() throws Exception {
        Channel<String> client = pair("");
        client.onMessage((c, m) -> {});
        assertThatThrownBy(() -> client.receive(Duration.ofMillis(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("push mode");
        assertThatThrownBy(() -> client.onMessage((c, m) -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already set");
    }

    @Test
    void receiveInPushModeFailsAtOnceEvenOnASpinningChannel() throws Exception {
        Channel<String> client = pair("?idle=spin");
        client.onMessage((c, m) -> {});
        // Asked to wait for a day: only a receive that reports the misuse at once returns within the test's wait.
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return client.receive(Duration.ofDays(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThatThrownBy(() -> waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("push mode");
    }

    @Test
    void messagesWaitingBeforeTheHandlerIsSetAreDeliveredToItFirst() throws Exception {
        Channel<String> client = pair("");
        Channel<String> server = server();
        // Over inproc a send completes once the peer's channel holds the message: both wait there, undelivered.
        client.send("one").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        client.send("two").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<String> got = new CopyOnWriteArrayList<>();
        server.onMessage((c, m) -> got.add(m));
        client.send("three");
        await().atMost(WAIT).until(() -> got.size() == 3);
        assertThat(got).containsExactly("one", "two", "three");
    }

    @Test
    void messagesWaitingBeforeADirectHandlerIsSetAreDeliveredToItFirst() throws Exception {
        Channel<String> client = pair("");
        Channel<String> server = server();
        client.send("one").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        client.send("two").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<String> got = new CopyOnWriteArrayList<>();
        server.onMessage((c, m) -> got.add(m), Channel.DIRECT);
        for (int i = 0; i < 100; i++) {
            client.send("m" + i);
        }
        await().atMost(WAIT).until(() -> got.size() == 102);
        assertThat(got.subList(0, 3)).containsExactly("one", "two", "m0");
        assertThat(got.get(101)).isEqualTo("m99");
    }

    @Test
    void aLocalCloseDropsWhatWasReceivedButNotTakenAndAPeerCloseKeepsIt() throws Exception {
        Channel<String> client = pair("");
        Channel<String> server = server();
        client.send("dropped").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        server.close();
        assertThatThrownBy(() -> server.receive(WAIT)).isInstanceOf(ChannelClosedException.class);

        Channel<String> client2 = conduit.connect(listener.endpoint(), Codecs.text());
        Channel<String> server2 = server();
        client2.send("kept").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        client2.close();
        assertThat(server2.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(CloseReason.PEER);
        assertThat(server2.receive(WAIT)).isEqualTo("kept");
        assertThatThrownBy(() -> server2.receive(WAIT)).isInstanceOf(ChannelClosedException.class);
        client.close();
    }

    @Test
    void aStalledReceiverMakesTheSenderUnwritableThenSendsBeyondTheLimitFail() throws Exception {
        Channel<String> client = pair("?receiveBuffer=1k&highWater=2k&lowWater=1k&sendLimit=8k");
        Channel<String> server = server();
        String kib = "x".repeat(1024);
        CompletableFuture<Void> writable = null;
        Throwable refused = null;
        for (int i = 0; i < 100 && refused == null; i++) {
            CompletableFuture<Void> f = client.send(kib);
            if (f.isCompletedExceptionally()) {
                refused = f.handle((v, e) -> e).join();
            }
            if (writable == null && !client.isWritable()) {
                writable = client.whenWritable();
            }
        }
        assertThat(writable).as("became unwritable").isNotNull();
        assertThat(writable).isNotDone();
        assertThat(refused).isInstanceOf(BackpressureException.class).hasMessageContaining("sendLimit=8192");
        assertThat(client.pendingBytes()).isLessThanOrEqualTo(8192);
        int drained = 0;
        while (server.receive(Duration.ofMillis(200)) != null) {
            drained++;
        }
        assertThat(drained).isGreaterThanOrEqualTo(8);
        writable.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(client.isWritable()).isTrue();
        assertThat(client.awaitWritable(Duration.ZERO)).isTrue();
    }

    /**
     * One thread waits for writability, another for a message, on the same channel: the message must wake the
     * receiver, not the writer (with one condition for both and a single signal, it woke whichever waited first).
     */
    @Test
    void aMessageWakesTheReceiverEvenWhileAnotherThreadAwaitsWritability() throws Exception {
        Channel<String> client = pair("?receiveBuffer=1k&highWater=2k&lowWater=1k&sendLimit=64k");
        Channel<String> server = server();
        String kib = "x".repeat(1024);
        while (client.isWritable()) {
            client.send(kib);
        }
        CompletableFuture<Boolean> writer = new CompletableFuture<>();
        Thread w = new Thread(() -> {
            try {
                writer.complete(client.awaitWritable(Duration.ofSeconds(60)));
            } catch (Throwable t) {
                writer.completeExceptionally(t);
            }
        });
        w.start();
        await().atMost(WAIT).until(() -> w.getState() == Thread.State.TIMED_WAITING);
        CompletableFuture<String> received = new CompletableFuture<>();
        Thread r = new Thread(() -> {
            try {
                received.complete(client.receive(Duration.ofSeconds(60)));
            } catch (Throwable t) {
                received.completeExceptionally(t);
            }
        });
        r.start();
        await().atMost(WAIT).until(() -> r.getState() == Thread.State.TIMED_WAITING);
        server.send("hello");
        assertThat(received.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hello");
        assertThat(writer).as("still unwritable, still waiting").isNotDone();
        while (server.receive(Duration.ofMillis(200)) != null) {
            // drain: the client turns writable and the writer returns
        }
        assertThat(writer.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        w.join();
        r.join();
    }

    /** Several threads blocked in receive: each message wakes one of them, and a close wakes the rest. */
    @Test
    void blockedReceiversShareMessagesAndAreWokenByAClose() throws Exception {
        Channel<String> client = pair("");
        Channel<String> server = server();
        int receivers = 4;
        List<CompletableFuture<String>> got = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        for (int i = 0; i < receivers; i++) {
            CompletableFuture<String> f = new CompletableFuture<>();
            got.add(f);
            Thread t = new Thread(() -> {
                try {
                    f.complete(client.receive(Duration.ofSeconds(60)));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
            threads.add(t);
            t.start();
        }
        await().atMost(WAIT).until(() -> threads.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING));
        server.send("a");
        server.send("b");
        await().atMost(WAIT)
                .until(() -> got.stream().filter(CompletableFuture::isDone).count() == 2);
        assertThat(got.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join))
                .containsExactlyInAnyOrder("a", "b");
        List<CompletableFuture<String>> stillWaiting =
                got.stream().filter(f -> !f.isDone()).toList();
        assertThat(stillWaiting).as("receivers without a message").hasSize(receivers - 2);
        client.close();
        for (CompletableFuture<String> f : stillWaiting) {
            assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ChannelClosedException.class);
        }
        for (Thread t : threads) {
            t.join(WAIT.toMillis());
            assertThat(t.isAlive()).isFalse();
        }
    }

    /** A burst's spare frame buffers go back to the pool once it is written, and all of them when the channel closes. */
    @Test
    void spareFrameBuffersAreTrimmedAfterABurstAndReleasedOnClose() throws Exception {
        // The receiver stops reading after 1 KiB, so the burst stays in flight until it reads, then completes at once.
        Channel<String> client = pair("?receiveBuffer=1k");
        Channel<String> server = server();
        long before = conduit.stats().pooledBuffers();
        String message = "m".repeat(200); // 4 KiB of spares is about 20 of these
        int burst = 250; // 50 KB: under the 64 KiB high watermark
        for (int i = 0; i < burst; i++) {
            assertThat(client.offer(message)).isTrue();
        }
        assertThat(client.pendingBytes()).as("held back by the paused receiver").isPositive();
        for (int i = 0; i < burst; i++) {
            assertThat(server.receive(WAIT)).isEqualTo(message);
        }
        await().atMost(WAIT).until(() -> client.pendingBytes() == 0);
        // The burst's buffers came back as spares; at most 4 KiB of them stay.
        assertThat(conduit.stats().pooledBuffers() - before).isLessThan(burst / 5);
        client.close();
        server.close();
        await().atMost(WAIT).until(() -> conduit.stats().openChannels() == 0);
        assertThat(conduit.stats().pooledBuffers()).isLessThanOrEqualTo(before);
    }

    /** A large message's buffer is kept for the next one, and let go about a second after sending stops. */
    @Test
    void aLargeSpareBufferIsKeptWhileSendingAndLetGoOnceIdle() throws Exception {
        Channel<String> client = pair("");
        Channel<String> server = server();
        long before = conduit.stats().pooledBuffers();
        String large = "L".repeat(100 << 10);
        for (int i = 0; i < 3; i++) {
            client.send(large).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(server.receive(WAIT)).isEqualTo(large);
        }
        await().atMost(WAIT).until(() -> client.pendingBytes() == 0);
        assertThat(conduit.stats().pooledBuffers() - before)
                .as("the kept spare")
                .isEqualTo(1);
        // Still open, but idle: the runtime's sweep lets the spare go.
        await().atMost(WAIT).until(() -> conduit.stats().pooledBuffers() <= before);
        assertThat(client.isOpen()).isTrue();
        client.send(large).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(server.receive(WAIT)).isEqualTo(large);
    }

    @Test
    void offerSendsWithoutAFutureAndReportsBackpressureAsFalse() throws Exception {
        Channel<String> client = pair("?receiveBuffer=1k&highWater=2k&lowWater=1k&sendLimit=8k");
        Channel<String> server = server();
        assertThat(client.offer("first")).isTrue();
        assertThat(server.receive(WAIT)).isEqualTo("first");
        String kib = "y".repeat(1024);
        int accepted = 0;
        while (client.offer(kib)) {
            accepted++;
            assertThat(accepted).as("offers before backpressure").isLessThan(100);
        }
        assertThat(client.pendingBytes()).isLessThanOrEqualTo(8192);
        for (int i = 0; i < accepted; i++) {
            assertThat(server.receive(WAIT)).isEqualTo(kib);
        }
        await().atMost(WAIT).until(() -> client.pendingBytes() == 0);
        assertThat(client.offer("again")).isTrue();
        assertThat(server.receive(WAIT)).isEqualTo("again");
        assertThatThrownBy(() -> client.offer("z".repeat(17 << 20)))
                .isInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining("16777216");
        client.close();
        assertThatThrownBy(() -> client.offer("late")).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void aThrowingHandlerClosesItsChannelWithThatError() throws Exception {
        Channel<String> client = pair("");
        Channel<String> server = server();
        server.onMessage((c, m) -> {
            throw new IllegalStateException("boom " + m);
        });
        client.send("x");
        CloseReason reason = server.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.error()).hasMessage("boom x");
        assertThat(client.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(CloseReason.PEER);
    }

    @Test
    void anUndecodableMessageClosesTheChannelWithACodecError() throws Exception {
        Codec<Integer> strict = new Codec<>() {
            @Override
            public void encode(Integer message, WriteBuffer out) {
                out.writeInt(message);
            }

            @Override
            public Integer decode(ByteBuffer in) {
                if (in.remaining() != 4) {
                    throw new IllegalArgumentException("expected 4 bytes, got " + in.remaining());
                }
                return in.getInt();
            }
        };
        Listener<Integer> ints = conduit.listen("inproc://*", strict);
        Channel<String> client = conduit.connect(ints.endpoint(), Codecs.text());
        Channel<Integer> server = ints.accept(WAIT);
        client.send("not an int");
        assertThatThrownBy(() -> server.receive(WAIT)).isInstanceOf(ChannelClosedException.class);
        CloseReason reason = server.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.error()).isInstanceOf(CodecException.class).hasMessageContaining("expected 4 bytes, got 10");
    }

    @Test
    void aFrameOverThePeersMaxFrameClosesTheSenderWithThePeersReason() throws Exception {
        listener = conduit.listen("inproc://*?maxFrame=1k", Codecs.text());
        Channel<String> sender = conduit.connect(listener.endpoint().without(ChannelOptions.MAX_FRAME), Codecs.text());
        server();
        sender.send("x".repeat(2048));
        CloseReason reason = sender.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.PEER);
        assertThat(reason.detail())
                .isEqualTo("the peer refused what this side sent: frame of 2048 bytes exceeds the limit of 1024 bytes"
                        + " (maxFrame=1024)");
        assertThatThrownBy(() -> sender.receive(WAIT)).hasMessageContaining("maxFrame=1024");
    }

    @Test
    void anEncoderFailureFailsOnlyThatSend() throws Exception {
        Codec<String> picky = Codec.of(
                s -> {
                    if (s.isEmpty()) {
                        throw new IllegalArgumentException("empty");
                    }
                    return s.getBytes();
                },
                String::new);
        listener = conduit.listen("inproc://*", Codecs.text());
        Channel<String> client = conduit.connect(listener.endpoint(), picky);
        assertThatThrownBy(() -> client.send("").join())
                .hasCauseInstanceOf(CodecException.class)
                .hasMessageContaining("empty");
        client.send("fine").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(server().receive(WAIT)).isEqualTo("fine");
    }

    @Test
    void theDirectExecutorRunsTheHandlerOnTheDeliveringThread() throws Exception {
        Channel<String> client = pair("");
        Channel<String> server = server();
        List<String> threads = new CopyOnWriteArrayList<>();
        server.onMessage((c, m) -> threads.add(Thread.currentThread().getName()), Channel.DIRECT);
        client.send("x").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(threads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void defaultHandlersRunOnTheRuntimesHandlerThreads() throws Exception {
        Channel<String> client = pair("");
        Channel<String> server = server();
        List<String> threads = new CopyOnWriteArrayList<>();
        server.onMessage((c, m) -> threads.add(Thread.currentThread().getName()));
        client.send("x");
        await().atMost(WAIT).until(() -> !threads.isEmpty());
        assertThat(threads.get(0)).startsWith("conduit-behaviour-handler-");
    }

    @Test
    void whenWritableFailsOnceTheChannelCloses() throws Exception {
        Channel<String> client = pair("?receiveBuffer=1&highWater=1&lowWater=0&sendLimit=1m");
        server();
        client.send("a");
        client.send("b");
        CompletableFuture<Void> writable = client.whenWritable();
        client.close();
        assertThatThrownBy(() -> writable.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(ChannelClosedException.class);
    }

    @Test
    void invalidWatermarksAreRejected() {
        assertThatThrownBy(() -> conduit.listen("inproc://*?highWater=1k&lowWater=2k", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("lowWater=2048 is above highWater=1024");
    }
}
