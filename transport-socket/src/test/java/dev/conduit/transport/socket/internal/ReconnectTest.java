package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConduitException;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Listener;
import dev.conduit.transport.socket.ConnectionState;
import dev.conduit.transport.socket.Reconnection;
import dev.conduit.transport.socket.SocketProperties;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The opt-in reconnecting client channel ({@code ?reconnect=true}). */
class ReconnectTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String FAST = "reconnect=true&reconnect.initialDelay=20ms&reconnect.maxDelay=200ms";

    private Conduit server;
    private Conduit client;

    @BeforeEach
    void runtimes() {
        server = Conduit.builder().name("rc-server").build();
        client = Conduit.builder().name("rc-client").build();
    }

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    @Test
    void reconnectsQueuesSendsWhileDisconnectedAndReportsEveryState() throws Exception {
        Listener<String> first = server.listen("tcp://127.0.0.1:0", Codecs.text());
        int port = first.endpoint().port();
        Channel<String> channel = client.connect("tcp://127.0.0.1:" + port + "?" + FAST, Codecs.text());
        Reconnection reconnection =
                channel.property(SocketProperties.RECONNECTION).orElseThrow();
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        reconnection.onStateChange(states::add);
        assertThat(states).containsExactly(ConnectionState.CONNECTED);

        channel.send("one");
        assertThat(first.accept(TIMEOUT).receive(TIMEOUT)).isEqualTo("one");

        first.close();
        await().atMost(TIMEOUT).until(() -> reconnection.failedAttempts() >= 2);
        assertThat(channel.isOpen()).as("a reconnecting channel stays open").isTrue();
        CompletableFuture<Void> q1 = channel.send("queued 1");
        CompletableFuture<Void> q2 = channel.send("queued 2");
        assertThat(q1).as("queued, not sent").isNotDone();

        Listener<String> second = server.listen("tcp://127.0.0.1:" + port, Codecs.text());
        Channel<String> again = second.accept(TIMEOUT);
        assertThat(again).as("the client came back").isNotNull();
        assertThat(again.receive(TIMEOUT)).isEqualTo("queued 1");
        assertThat(again.receive(TIMEOUT)).isEqualTo("queued 2");
        q1.get(30, TimeUnit.SECONDS);
        q2.get(30, TimeUnit.SECONDS);
        again.send("welcome back");
        assertThat(channel.receive(TIMEOUT)).isEqualTo("welcome back");

        await().atMost(TIMEOUT).until(() -> states.get(states.size() - 1) == ConnectionState.CONNECTED);
        assertThat(reconnection.connections()).isEqualTo(2);
        assertThat(reconnection.failedAttempts()).isZero();
        assertThat(states.subList(0, 4))
                .containsExactly(
                        ConnectionState.CONNECTED,
                        ConnectionState.DISCONNECTED,
                        ConnectionState.CONNECTING,
                        ConnectionState.DISCONNECTED);
        for (int i = 1; i < states.size(); i++) {
            assertThat(states.get(i))
                    .as("state %d follows %s", i, states.get(i - 1))
                    .isNotEqualTo(states.get(i - 1));
        }
    }

    @Test
    void sendsBeyondTheQueueBoundFailWhileDisconnected() throws Exception {
        Listener<String> listener = server.listen("tcp://127.0.0.1:0", Codecs.text());
        Channel<String> channel = client.connect(
                "tcp://127.0.0.1:" + listener.endpoint().port() + "?" + FAST + "&reconnect.queue=100", Codecs.text());
        Reconnection reconnection =
                channel.property(SocketProperties.RECONNECTION).orElseThrow();
        listener.close();
        await().atMost(TIMEOUT).until(() -> reconnection.state() != ConnectionState.CONNECTED);

        CompletableFuture<Void> fits = channel.send("x".repeat(60));
        assertThatThrownBy(() -> channel.send("y".repeat(60)).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ConduitException.class)
                .hasMessageContaining("reconnect.queue=100")
                .hasMessageContaining("60 bytes queued");
        assertThat(fits).isNotDone();
        channel.close();
        assertThatThrownBy(() -> fits.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ChannelClosedException.class);
        assertThat(channel.closeFuture().get(30, TimeUnit.SECONDS)).isEqualTo(CloseReason.LOCAL);
    }

    @Test
    void givesUpAfterMaxAttemptsAndClosesWithTheReason() throws Exception {
        Listener<String> listener = server.listen("tcp://127.0.0.1:0", Codecs.text());
        Endpoint endpoint = Endpoint.parse(
                "tcp://127.0.0.1:" + listener.endpoint().port() + "?" + FAST + "&reconnect.maxAttempts=3");
        Channel<String> channel = client.connect(endpoint, Codecs.text());
        Reconnection reconnection =
                channel.property(SocketProperties.RECONNECTION).orElseThrow();
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        reconnection.onStateChange(states::add);
        listener.close();

        CloseReason reason = channel.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.error())
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("gave up reconnecting after 3 failed attempts")
                .hasMessageContaining("127.0.0.1:" + listener.endpoint().port());
        await().atMost(TIMEOUT).until(() -> states.contains(ConnectionState.GAVE_UP));
        assertThat(states.get(states.size() - 1)).isEqualTo(ConnectionState.GAVE_UP);
        assertThat(states.stream().filter(s -> s == ConnectionState.CONNECTING)).hasSize(3);
        assertThat(reconnection.state()).isEqualTo(ConnectionState.GAVE_UP);
    }

    @Test
    void theFirstConnectionIsNotRetried() {
        int nobody = FreePort.find();
        assertThatThrownBy(() -> client.connect("tcp://127.0.0.1:" + nobody + "?" + FAST, Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("127.0.0.1:" + nobody);
    }

    @Test
    void closingWhileDisconnectedStopsReconnectingAndFailsQueuedSends() throws Exception {
        Listener<String> listener = server.listen("tcp://127.0.0.1:0", Codecs.text());
        Channel<String> channel =
                client.connect("tcp://127.0.0.1:" + listener.endpoint().port() + "?" + FAST, Codecs.text());
        Reconnection reconnection =
                channel.property(SocketProperties.RECONNECTION).orElseThrow();
        listener.close();
        await().atMost(TIMEOUT).until(() -> reconnection.failedAttempts() >= 1);
        CompletableFuture<Void> queued = channel.send("never sent");
        channel.close();
        assertThat(channel.closeFuture().get(30, TimeUnit.SECONDS)).isEqualTo(CloseReason.LOCAL);
        assertThatThrownBy(() -> queued.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ChannelClosedException.class);
        assertThat(client.stats().openChannels()).isZero();
    }

    @Test
    void backoffDoublesUpToTheCapWithEqualJitter() {
        ReconnectPolicy policy = new ReconnectPolicy(Duration.ofMillis(100), Duration.ofMillis(1_000), 0, 1 << 20);
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        assertThat(policy.delayNanos(1, () -> 0.0)).isEqualTo(50 * ms);
        assertThat(policy.delayNanos(1, () -> 0.999_999)).isBetween(99 * ms, 100 * ms);
        assertThat(policy.delayNanos(2, () -> 0.0)).isEqualTo(100 * ms);
        assertThat(policy.delayNanos(4, () -> 0.0)).isEqualTo(400 * ms);
        assertThat(policy.delayNanos(5, () -> 0.0)).as("capped").isEqualTo(500 * ms);
        assertThat(policy.delayNanos(60, () -> 0.999_999)).isBetween(999 * ms, 1_000 * ms);
        assertThat(policy.allows(1_000_000)).as("0 = forever").isTrue();
        ReconnectPolicy three = new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(1), 3, 0);
        assertThat(three.allows(3)).isTrue();
        assertThat(three.allows(4)).isFalse();
    }
}
