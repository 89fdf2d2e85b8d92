package dev.conduit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The channel-metrics hook: what a runtime built with one reports, and that one built without counts nothing. */
class ChannelMetricsTest {
    private Conduit conduit;

    @AfterEach
    void closeRuntime() {
        if (conduit != null) {
            conduit.close();
        }
    }

    /** Counts each event as "event:transport", and the runtimes it was told of. */
    static final class Recorder implements ChannelMetrics {
        final Map<String, AtomicInteger> events = new ConcurrentHashMap<>();
        final List<String> runtimes = new CopyOnWriteArrayList<>();

        int count(String event) {
            AtomicInteger n = events.get(event);
            return n == null ? 0 : n.get();
        }

        private void note(String event) {
            events.computeIfAbsent(event, k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void runtimeStarted(Conduit runtime) {
            runtimes.add("started:" + runtime.name());
        }

        @Override
        public void runtimeClosed(Conduit runtime) {
            runtimes.add("closed:" + runtime.name());
        }

        @Override
        public void channelOpened(String transport) {
            note("opened:" + transport);
        }

        @Override
        public void channelClosed(String transport) {
            note("closed:" + transport);
        }

        @Override
        public void listenerAccepted(String transport) {
            note("accepted:" + transport);
        }

        @Override
        public void listenerRefused(String transport) {
            note("refused:" + transport);
        }
    }

    @Test
    void aRuntimeWithAHookCountsTrafficPerTransportAndReportsOpensClosesAndAccepts() throws Exception {
        Recorder hook = new Recorder();
        conduit = Conduit.builder().name("metered").channelMetrics(hook).build();
        assertThat(hook.runtimes).containsExactly("started:metered");
        Listener<String> server =
                conduit.listen("inproc://*", Codecs.text(), ch -> ch.onMessage((c, msg) -> c.offer(msg.toUpperCase())));
        Channel<String> client = conduit.connect(server.endpoint(), Codecs.text());
        client.send("hello").get();
        client.offer("ab");
        assertThat(client.receive(Duration.ofSeconds(10))).isEqualTo("HELLO");
        assertThat(client.receive(Duration.ofSeconds(10))).isEqualTo("AB");

        // Both ends of the exchange are in this runtime: 2 messages of 5 + 2 bytes each way, on each side. A message
        // is counted before the link takes it, but stays pending until the link reports its write done, which may
        // come after the peer has it.
        assertThat(conduit.traffic())
                .singleElement()
                .usingRecursiveComparison()
                .ignoringFields("pendingBytes")
                .isEqualTo(new ChannelTraffic("inproc", 14, 4, 14, 4, 0));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> conduit.traffic().get(0).pendingBytes() == 0);
        assertThat(hook.count("opened:inproc")).isEqualTo(2);
        assertThat(hook.count("accepted:inproc")).isEqualTo(1);
        assertThat(hook.count("refused:inproc")).isZero();
        assertThat(hook.count("closed:inproc")).isZero();

        client.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> hook.count("closed:inproc") == 2);
        conduit.close();
        assertThat(hook.runtimes).containsExactly("started:metered", "closed:metered");
        assertThat(conduit.traffic()).containsExactly(new ChannelTraffic("inproc", 14, 4, 14, 4, 0));
    }

    @Test
    void aListenerWhoseAcceptQueueIsFullRefusesAndTheHookHearsIt() throws Exception {
        Recorder hook = new Recorder();
        conduit = Conduit.builder().channelMetrics(hook).build();
        Listener<String> server = conduit.listen("inproc://*", Codecs.text());
        // 4096 channels may wait for accept(); the next one is refused.
        for (int i = 0; i < 4097; i++) {
            conduit.connect(server.endpoint(), Codecs.text());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> hook.count("refused:inproc") == 1);
        assertThat(hook.count("accepted:inproc")).isEqualTo(4096);
    }

    @Test
    void aRuntimeWithoutAHookCountsNothing() throws Exception {
        conduit = Conduit.create();
        Listener<String> server =
                conduit.listen("inproc://*", Codecs.text(), ch -> ch.onMessage((c, msg) -> c.offer(msg)));
        Channel<String> client = conduit.connect(server.endpoint(), Codecs.text());
        client.send("hello").get();
        assertThat(client.receive(Duration.ofSeconds(10))).isEqualTo("hello");
        assertThat(conduit.traffic()).isEmpty();
    }
}
