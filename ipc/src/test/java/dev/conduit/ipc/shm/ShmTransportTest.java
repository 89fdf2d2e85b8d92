package dev.conduit.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codec;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Listener;
import dev.conduit.core.testkit.PeerProcess;
import dev.conduit.core.testkit.ResourceCheck;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** shm beyond the conformance suite: many clients, idle strategies, fragments, clean shutdown, endpoint errors. */
class ShmTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final ShmTestDirectory dir = new ShmTestDirectory();

    @AfterEach
    void cleanUp() throws Exception {
        dir.closeAllAndCheck();
    }

    private Conduit runtime(String name) {
        Conduit c = Conduit.builder().name(name).build();
        dir.closeLater(c);
        return c;
    }

    private String uri(String options) {
        return "shm://*?" + dir.dirOption() + (options.isEmpty() ? "" : "&" + options);
    }

    @Test
    void sixteenClientsOnOneListenerInAnotherProcessEachWithItsOwnRingsLoseNoMessages() throws Exception {
        PeerProcess server = PeerProcess.start(uri("ringSize=64k"));
        dir.closeLater(server);
        Conduit conduit = runtime("many");
        int clients = 16;
        int perClient = 20_000;
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            results.add(CompletableFuture.supplyAsync(() -> {
                try {
                    Channel<byte[]> ch = conduit.connect(server.uri(), Codecs.bytes());
                    ch.send(text("sink client" + client));
                    assertThat(text(ch.receive(TIMEOUT))).isEqualTo("ok");
                    for (long i = 0; i < perClient; i++) {
                        if (!ch.isWritable()) {
                            assertThat(ch.awaitWritable(TIMEOUT)).isTrue();
                        }
                        byte[] m = new byte[8 + client * 8];
                        ByteBuffer.wrap(m).putLong(i);
                        ch.send(m);
                    }
                    byte[] end = new byte[8];
                    ByteBuffer.wrap(end).putLong(-1);
                    ch.send(end);
                    return text(ch.receive(TIMEOUT));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (int c = 0; c < clients; c++) {
            assertThat(results.get(c).get(TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS))
                    .as("client %d's tally at the listener: count, bytes, out of order", c)
                    .isEqualTo("sink " + perClient + " " + (long) perClient * (8 + c * 8) + " 0");
        }
    }

    @Test
    void anIdleBackoffChannelUsesNoMeasurableCpu() throws Exception {
        Conduit server = runtime("idlesrv");
        Conduit client = runtime("idlecli");
        Listener<byte[]> listener = server.listen(uri(""), Codecs.bytes(), ch -> ch.onMessage(Channel::send));
        Channel<byte[]> channel = client.connect(listener.endpoint(), Codecs.bytes());
        channel.send(new byte[] {1});
        assertThat(channel.receive(TIMEOUT)).containsExactly(1);
        List<Long> pollers = threadIds("conduit-idlesrv-shm-backoff-", "conduit-idlecli-shm-backoff-");
        assertThat(pollers).as("one backoff poller per runtime").hasSize(2);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] before = pollers.stream().mapToLong(mx::getThreadCpuTime).toArray();
        assertThat(java.util.Arrays.stream(before).min().orElse(-1))
                .as("thread CPU time is measurable here")
                .isGreaterThanOrEqualTo(0);
        long t0 = System.nanoTime();
        // Two seconds of idleness: nothing is sent, so nothing may arrive.
        assertThat(channel.receive(Duration.ofSeconds(2))).isNull();
        long elapsed = System.nanoTime() - t0;
        for (int i = 0; i < pollers.size(); i++) {
            long used = mx.getThreadCpuTime(pollers.get(i)) - before[i];
            assertThat((double) used / elapsed)
                    .as("share of a core used by an idle poller (%d ns of %d ns)", used, elapsed)
                    .isLessThan(0.05);
        }
        channel.send(new byte[] {2});
        assertThat(channel.receive(TIMEOUT))
                .as("a parked poller wakes for the next message")
                .containsExactly(2);
    }

    @Test
    void spinChannelsRoundTripOnASpinningPoller() throws Exception {
        Conduit conduit = runtime("spin");
        Listener<byte[]> listener =
                conduit.listen(uri("idle=spin"), Codecs.bytes(), ch -> ch.onMessage(Channel::send, Channel.DIRECT));
        Channel<byte[]> channel = conduit.connect(listener.endpoint(), Codecs.bytes());
        assertThat(ResourceCheck.threadsNamed("conduit-spin-shm-spin-")).hasSize(1);
        assertThat(ResourceCheck.threadsNamed("conduit-spin-shm-backoff-")).isEmpty();
        for (int i = 0; i < 10_000; i++) {
            byte[] m = ByteBuffer.allocate(64).putInt(i).array();
            channel.send(m);
            assertThat(channel.receive(TIMEOUT)).isEqualTo(m);
        }
    }

    @Test
    void aSpinningReceiverReadsTheRingItselfAndReassemblesFragments() throws Exception {
        Conduit conduit = runtime("self");
        Listener<byte[]> listener = conduit.listen(
                uri("idle=spin&ringSize=4k"), Codecs.bytes(), ch -> ch.onMessage(Channel::send, Channel.DIRECT));
        Set<Thread> decoders = ConcurrentHashMap.newKeySet();
        Codec<byte[]> recording = Codec.of(b -> b, b -> {
            decoders.add(Thread.currentThread());
            return b;
        });
        Channel<byte[]> channel = conduit.connect(listener.endpoint(), recording);
        for (int i = 0; i < 1000; i++) {
            byte[] m = ByteBuffer.allocate(64).putInt(i).array();
            channel.send(m);
            assertThat(channel.receive(TIMEOUT)).isEqualTo(m);
        }
        assertThat(decoders).as("threads that read replies").contains(Thread.currentThread());
        Random random = new Random(5);
        for (int size : new int[] {8 << 20, 100_000, 1}) {
            byte[] m = new byte[size];
            random.nextBytes(m);
            channel.send(m);
            assertThat(Arrays.equals(channel.receive(TIMEOUT), m))
                    .as("%d bytes intact", size)
                    .isTrue();
        }
    }

    @Test
    void aSpinningReceiverSeesThePeersCloseAndALocalClose() throws Exception {
        Conduit conduit = runtime("spinclose");
        Listener<byte[]> listener = conduit.listen(uri("idle=spin"), Codecs.bytes());
        Channel<byte[]> first = conduit.connect(listener.endpoint(), Codecs.bytes());
        Channel<byte[]> firstPeer = listener.accept(TIMEOUT);
        first.send(new byte[] {1});
        assertThat(firstPeer.receive(TIMEOUT)).containsExactly(1);
        assertACloseEndsTheWait(
                first,
                () -> {
                    firstPeer.send(new byte[] {2});
                    firstPeer.close();
                },
                first);

        Channel<byte[]> second = conduit.connect(listener.endpoint(), Codecs.bytes());
        Channel<byte[]> secondPeer = listener.accept(TIMEOUT);
        secondPeer.send(new byte[] {3});
        assertThat(second.receive(TIMEOUT)).containsExactly(3);
        assertACloseEndsTheWait(second, second::close, secondPeer);
    }

    /**
     * Starts a receiver on {@code waiter} that waits far longer than the test does, runs {@code close}, and checks
     * that the close ended the wait and that {@code peerClosed} saw its peer close.
     */
    private static void assertACloseEndsTheWait(Channel<byte[]> waiter, Runnable close, Channel<byte[]> peerClosed)
            throws Exception {
        CompletableFuture<byte[]> waiting = CompletableFuture.supplyAsync(() -> receive(waiter, Duration.ofMinutes(5)));
        close.run();
        assertThatThrownBy(() -> waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(ChannelClosedException.class);
        assertThat(peerClosed
                        .closeFuture()
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                        .kind())
                .isEqualTo(CloseReason.Kind.PEER);
    }

    @Test
    void twoSpinningReceiversOnOneChannelShareTheMessagesEachExactlyOnce() throws Exception {
        Conduit conduit = runtime("tworeceivers");
        Listener<byte[]> listener = conduit.listen(uri("idle=spin&ringSize=4k"), Codecs.bytes());
        Channel<byte[]> channel = conduit.connect(listener.endpoint(), Codecs.bytes());
        Channel<byte[]> peer = listener.accept(TIMEOUT);
        int count = 20_000;
        ExecutorService threads = Executors.newFixedThreadPool(2); // the common pool may have one thread here
        dir.closeLater(threads::shutdownNow);
        List<CompletableFuture<List<Integer>>> receivers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            receivers.add(CompletableFuture.supplyAsync(
                    () -> {
                        List<Integer> got = new ArrayList<>();
                        try {
                            byte[] m;
                            while ((m = channel.receive(TIMEOUT)) != null && m.length == 4) {
                                got.add(ByteBuffer.wrap(m).getInt());
                            }
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return got;
                    },
                    threads));
        }
        for (int i = 0; i < count; i++) {
            if (!peer.isWritable()) {
                assertThat(peer.awaitWritable(TIMEOUT)).isTrue();
            }
            peer.send(ByteBuffer.allocate(4).putInt(i).array());
        }
        peer.send(new byte[1]); // one ends each receiver's loop
        peer.send(new byte[1]);
        List<Integer> all = new ArrayList<>();
        for (CompletableFuture<List<Integer>> r : receivers) {
            List<Integer> got = r.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(got).as("each receiver's share in order").isSorted();
            all.addAll(got);
        }
        assertThat(all).as("every message exactly once").hasSize(count).doesNotHaveDuplicates();
    }

    @Test
    void aMessageForAReceiverThatStoppedWaitingReachesAHandlerSetLater() throws Exception {
        Conduit conduit = runtime("later");
        Listener<byte[]> listener = conduit.listen(uri("idle=spin"), Codecs.bytes());
        Channel<byte[]> channel = conduit.connect(listener.endpoint(), Codecs.bytes());
        Channel<byte[]> peer = listener.accept(TIMEOUT);
        peer.send(new byte[] {1});
        assertThat(channel.receive(TIMEOUT)).containsExactly(1);
        peer.send(new byte[] {2});
        peer.send(new byte[] {3});
        List<Byte> got = new CopyOnWriteArrayList<>();
        channel.onMessage((c, m) -> got.add(m[0]));
        peer.send(new byte[] {4});
        await().atMost(TIMEOUT).until(() -> got.size() == 3);
        assertThat(got).containsExactly((byte) 2, (byte) 3, (byte) 4);
    }

    /** Receives until the channel closes (a ChannelClosedException) or a wait times out (null). */
    private static byte[] receive(Channel<byte[]> channel, Duration timeout) {
        try {
            while (channel.receive(timeout) != null) {
                // what was sent before the close
            }
            return null;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFourKibibyteRingCarriesEightMebibyteMessagesInFragmentsBothWays() throws Exception {
        Conduit conduit = runtime("tiny");
        Listener<byte[]> listener =
                conduit.listen(uri("ringSize=4k"), Codecs.bytes(), ch -> ch.onMessage(Channel::send));
        Channel<byte[]> channel = conduit.connect(listener.endpoint(), Codecs.bytes());
        Random random = new Random(3);
        for (int size : new int[] {8 << 20, 1, 4096, 100_000}) {
            byte[] m = new byte[size];
            random.nextBytes(m);
            channel.send(m);
            byte[] back = channel.receive(TIMEOUT);
            assertThat(Arrays.equals(back, m)).as("%d bytes intact", size).isTrue();
        }
    }

    @Test
    void runtimeCloseUnmapsAndRemovesEverythingAndLeavesNoThread() throws Exception {
        Conduit conduit = Conduit.builder().name("closing").build();
        Listener<byte[]> listener = conduit.listen(uri(""), Codecs.bytes(), ch -> ch.onMessage(Channel::send));
        List<Channel<byte[]>> channels = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Channel<byte[]> c = conduit.connect(listener.endpoint(), Codecs.bytes());
            c.send(new byte[] {(byte) i});
            assertThat(c.receive(TIMEOUT)).containsExactly(i);
            channels.add(c);
        }
        assertThat(mappingsOf(dir.path())).as("segments mapped while open").isNotEmpty();
        conduit.close();
        channels.clear();
        assertThat(ResourceCheck.threadsNamed("conduit-closing-"))
                .as("threads left")
                .isEmpty();
        assertThat(dir.files("*")).as("files left in the directory").isEmpty();
        assertThat(mappingsOf(dir.path()))
                .as("segments still mapped after close, with no garbage collection")
                .isEmpty();
    }

    @Test
    void endpointErrorsNameWhatIsWrong() {
        Conduit conduit = runtime("errors");
        assertThatThrownBy(() -> conduit.listen(uri("ringSize=5000"), Codecs.bytes()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("ringSize=5000")
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> conduit.connect("shm://a/b?" + dir.dirOption(), Codecs.bytes()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("shm://orders");
        assertThatThrownBy(() -> conduit.connect("shm://*?" + dir.dirOption(), Codecs.bytes()))
                .isInstanceOf(EndpointException.class);
    }

    @Test
    void aSecondListenerOnALiveNameFailsAndTheFirstKeepsServing() throws Exception {
        Conduit conduit = runtime("twice");
        String name = "twice-" + System.nanoTime();
        String uri = "shm://" + name + "?" + dir.dirOption();
        Listener<byte[]> first = conduit.listen(uri, Codecs.bytes(), ch -> ch.onMessage(Channel::send));
        assertThatThrownBy(() -> conduit.listen(uri, Codecs.bytes()))
                .isInstanceOf(BindFailedException.class)
                .hasMessageContaining("live");
        Channel<byte[]> c = conduit.connect(first.endpoint(), Codecs.bytes());
        c.send(text("hi"));
        assertThat(text(c.receive(TIMEOUT))).isEqualTo("hi");
        assertThat(Files.exists(dir.path().resolve("conduit-shm-" + name + ".sock")))
                .isTrue();
    }

    private static List<Long> threadIds(String... prefixes) {
        List<Long> ids = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            for (String p : prefixes) {
                if (t.getName().startsWith(p)) {
                    ids.add(t.getId());
                }
            }
        }
        return ids;
    }

    private static List<String> mappingsOf(Path directory) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.contains(directory.toString()))
                .toList();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
