package dev.conduit.transport.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Listener;
import dev.conduit.transport.nats.NatsSessionException;
import dev.conduit.transport.nats.testing.NatsServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Faults around a real nats-server: logins it refuses, and a restart in the middle of a stream. */
class NatsFaultsTest extends TwoRuntimesAndAServer {
    @Test
    void aWrongPasswordIsRefusedNamingTheEndpointAndTheRightOneWorks() throws Exception {
        server = NatsServer.start("--user", "app", "--pass", "right-pw");
        String good = "nats://app:right-pw@" + server.address() + "/login";
        String bad = "nats://" + server.address() + "/login?user=app&password=wrong-pw";
        assertThatThrownBy(() -> connecting.connect(bad, Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("cannot connect to nats://" + server.address() + "/login")
                .hasMessageContaining("refused the login: Authorization Violation")
                .hasMessageContaining("password=***")
                .hasMessageNotContaining("wrong-pw");
        assertThatThrownBy(() -> listening.listen(bad, Codecs.text()))
                .isInstanceOf(BindFailedException.class)
                .hasMessageContaining("Authorization Violation")
                .hasMessageNotContaining("wrong-pw");
        assertEchoes(good);
    }

    @Test
    void aWrongTokenIsRefusedAndTheRightOneWorks() throws Exception {
        server = NatsServer.start("--auth", "s3cr3t-token");
        assertThatThrownBy(
                        () -> connecting.connect("nats://" + server.address() + "/login?token=not-it", Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("refused the login: Authorization Violation");
        assertEchoes("nats://" + server.address() + "/login?token=s3cr3t-token");
    }

    @Test
    void aServerRestartInTheMiddleOfAStreamLosesNothingSilently() throws Exception {
        server = NatsServer.start();
        String uri = "nats://" + server.address() + "/stream.restart";
        List<Long> received = new CopyOnWriteArrayList<>();
        List<CloseReason> listenerSide = new CopyOnWriteArrayList<>();
        Listener<byte[]> listener = listening.listen(uri, Codecs.bytes(), ch -> {
            ch.closeFuture().thenAccept(listenerSide::add);
            ch.onMessage((c, m) -> received.add(ByteBuffer.wrap(m).getLong()));
        });
        Channel<byte[]> sender = connecting.connect(uri, Codecs.bytes());
        long sent = 0;
        long restartAt = 2_000;
        while (sender.isOpen() && sent < 20_000) {
            if (sent == restartAt) {
                server.restart();
            }
            if (!sender.isWritable() && !sender.awaitWritable(Duration.ofSeconds(2))) {
                break; // no credit comes back: the session is lost, as it should close
            }
            if (sender.isOpen()) {
                sender.send(ByteBuffer.allocate(64).putLong(sent++).array());
            }
        }
        assertThat(sent).as("sent past the restart").isGreaterThan(restartAt);
        long total = sent;
        // Two outcomes are lawful. Messages the server held when it died are lost, and then the session must close
        // with an error that says so. Or nothing was in flight (the NATS clients kept what they sent while the server
        // was down and both subscriptions came back before it went out): then every message arrives, in order.
        await().atMost(TIMEOUT)
                .until(() -> received.size() == total || sender.closeFuture().isDone());
        // What arrived is a gapless prefix of what was sent: a lost message closes the session instead.
        for (int i = 0; i < received.size(); i++) {
            assertThat(received.get(i)).as("message %d received", i).isEqualTo(i);
        }
        if (sender.closeFuture().isDone()) {
            CloseReason senderSide = sender.closeFuture().get();
            await().atMost(TIMEOUT).until(() -> !listenerSide.isEmpty());
            assertThat(received.size()).as("received before the session closed").isLessThan((int) total);
            assertThat(List.of(senderSide, listenerSide.get(0)))
                    .as("close reasons")
                    .anySatisfy(r -> assertThat(r.error()).isInstanceOf(NatsSessionException.class));
            assertThat(List.of(senderSide, listenerSide.get(0)))
                    .extracting(r -> String.valueOf(r.error()))
                    .anySatisfy(m -> assertThat(m).containsAnyOf("may have been lost", "the peer closed on an error"));
        } else {
            assertThat(received)
                    .as("every message, in order, when the restart lost none")
                    .hasSize((int) total);
            assertThat(sender.isOpen())
                    .as("the session that lost nothing stays open")
                    .isTrue();
            sender.close();
        }

        // The listener is still there after the NATS client reconnected: new sessions work.
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            try (Channel<byte[]> again = connecting.connect(uri, Codecs.bytes())) {
                again.send(ByteBuffer.allocate(8).putLong(-1).array()).get(5, TimeUnit.SECONDS);
            }
        });
        assertThat(listener.isOpen()).isTrue();
    }

    private void assertEchoes(String uri) throws Exception {
        listening.listen(uri, Codecs.text(), ch -> ch.onMessage(Channel::send));
        try (Channel<String> c = connecting.connect(uri, Codecs.text())) {
            c.send("hello");
            assertThat(c.receive(TIMEOUT)).isEqualTo("hello");
        }
    }
}
