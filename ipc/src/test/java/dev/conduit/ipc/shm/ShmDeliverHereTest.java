package dev.conduit.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Channel#deliverHere()} over shm: a waiting thread reads its push-mode channel itself, the handler runs on it,
 * in order and with nothing lost; after {@link Channel#stopDeliveringHere()} the poller delivers again; a channel in
 * pull mode is left to {@code receive}.
 */
class ShmDeliverHereTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final ShmTestDirectory dir = new ShmTestDirectory();

    @AfterEach
    void cleanUp() throws Exception {
        dir.closeAllAndCheck();
    }

    private record Pair(Channel<byte[]> sender, Channel<byte[]> receiver) {}

    private Pair pair(String idle) throws InterruptedException {
        Conduit conduit = Conduit.builder().name("deliver-here").build();
        dir.closeLater(conduit);
        Listener<byte[]> listener = conduit.listen("shm://*?" + dir.dirOption() + "&idle=" + idle, Codecs.bytes());
        dir.closeLater(listener);
        Channel<byte[]> client = conduit.connect(listener.endpoint(), Codecs.bytes());
        dir.closeLater(client);
        Channel<byte[]> server = listener.accept(TIMEOUT);
        assertThat(server).isNotNull();
        dir.closeLater(server);
        return new Pair(server, client);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aThreadThatReadsHereRunsTheDirectHandlerItselfInOrderAndLosesNothing() throws Exception {
        Pair p = pair("spin");
        Thread me = Thread.currentThread();
        List<String> received = new CopyOnWriteArrayList<>();
        List<Boolean> onMe = new CopyOnWriteArrayList<>();
        p.receiver()
                .onMessage(
                        (ch, m) -> {
                            received.add(new String(m, StandardCharsets.UTF_8));
                            onMe.add(Thread.currentThread() == me);
                        },
                        Channel.DIRECT);
        int n = 200;
        for (int i = 0; i < n; i++) {
            p.receiver().deliverHere(); // claims the ring before the message is on its way
            p.sender().send(text("m" + i));
            int expected = i + 1;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (received.size() < expected && System.nanoTime() < deadline) {
                if (!p.receiver().deliverHere()) {
                    Thread.onSpinWait();
                }
            }
        }
        assertThat(received).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(received.get(i)).isEqualTo("m" + i);
        }
        assertThat(onMe).as("messages the handler got on the reading thread").contains(true);

        p.receiver().stopDeliveringHere();
        List<Boolean> before = List.copyOf(onMe);
        p.sender().send(text("after"));
        await().atMost(TIMEOUT).until(() -> received.size() == n + 1);
        assertThat(received.get(n)).isEqualTo("after");
        assertThat(onMe.get(n))
                .as("delivered by the poller once the reading was given back")
                .isFalse();
        assertThat(onMe.subList(0, n)).isEqualTo(before);
    }

    @Test
    void whereNobodyReadsHereThePollerDeliversAsBefore() throws Exception {
        Pair p = pair("backoff");
        Thread me = Thread.currentThread();
        List<Boolean> onMe = new CopyOnWriteArrayList<>();
        p.receiver().onMessage((ch, m) -> onMe.add(Thread.currentThread() == me), Channel.DIRECT);
        for (int i = 0; i < 20; i++) {
            p.sender().send(text("m" + i));
        }
        await().atMost(TIMEOUT).until(() -> onMe.size() == 20);
        assertThat(onMe).containsOnly(false);
    }

    @Test
    void aChannelInPullModeIsNotReadHere() throws Exception {
        Pair p = pair("spin");
        // Would claim the ring in push mode, so that the message sent next waits for this thread.
        assertThat(p.receiver().deliverHere()).isFalse();
        p.sender().send(text("for receive"));
        // Whatever the timing, deliverHere must not take the message from receive.
        for (int i = 0; i < 1000; i++) {
            assertThat(p.receiver().deliverHere()).isFalse();
        }
        assertThat(new String(p.receiver().receive(TIMEOUT), StandardCharsets.UTF_8))
                .isEqualTo("for receive");
    }
}
