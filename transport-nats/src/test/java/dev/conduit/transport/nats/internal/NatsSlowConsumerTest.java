package dev.conduit.transport.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.transport.nats.NatsSessionException;
import dev.conduit.transport.nats.testing.NatsServer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's NATS connection that stops reading is dropped by the server as a slow consumer; the messages the
 * server threw away must not vanish silently: the session closes saying messages may have been lost.
 */
class NatsSlowConsumerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MESSAGE = 16 << 10;

    private final Conduit listening = Conduit.builder().name("listening").build();
    private final Conduit sending = Conduit.builder().name("sending").build();
    private NatsServer server;
    private StallingProxy proxy;

    @AfterEach
    void close() throws Exception {
        sending.close();
        listening.close();
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSlowConsumerDropClosesTheSessionSayingMessagesMayHaveBeenLost(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("nats.conf");
        // The server drops a client that has more than 256 KiB waiting for it, or that it cannot write to for 1 s
        // (a message may not be larger than what may wait).
        Files.writeString(config, "max_pending: 262144\nmax_payload: 65536\nwrite_deadline: \"1s\"\n");
        server = NatsServer.start("-c", config.toString());
        proxy = new StallingProxy(Integer.parseInt(server.address().split(":")[1]));

        // A window far above max_pending lets the sender run on while the listener's connection is stalled; a long
        // heartbeatTimeout keeps the listener from giving up on the silence before the drop shows as a gap.
        List<Long> received = new CopyOnWriteArrayList<>();
        List<CloseReason> listenerSide = new CopyOnWriteArrayList<>();
        listening.listen("nats://" + proxy.address() + "/slow?window=32m&heartbeatTimeout=30s", Codecs.bytes(), ch -> {
            ch.closeFuture().thenAccept(listenerSide::add);
            ch.onMessage((c, m) -> received.add(ByteBuffer.wrap(m).getLong()));
        });
        Channel<byte[]> sender = sending.connect("nats://" + server.address() + "/slow", Codecs.bytes());
        long sent = 0;
        while (sent < 10) {
            sender.send(message(sent++));
        }
        await().atMost(TIMEOUT).until(() -> received.size() == 10);

        proxy.stall();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!server.log().contains("Slow Consumer") && System.nanoTime() < deadline && sender.isOpen()) {
            if (sender.isWritable() || sender.awaitWritable(Duration.ofMillis(100))) {
                sender.send(message(sent++));
            }
        }
        assertThat(server.log()).as("the server's log").contains("Slow Consumer");
        proxy.resume();

        await().atMost(TIMEOUT).until(() -> !listenerSide.isEmpty());
        CloseReason reason = listenerSide.get(0);
        assertThat(reason.error()).isInstanceOf(NatsSessionException.class);
        assertThat(reason.error().getMessage()).contains("messages may have been lost");
        for (int i = 0; i < received.size(); i++) {
            assertThat(received.get(i)).as("message %d received", i).isEqualTo(i);
        }
        assertThat((long) received.size())
                .as("received before the session closed")
                .isLessThan(sent);
        CloseReason senderSide = sender.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(String.valueOf(senderSide.error())).contains("messages may have been lost");
    }

    private static byte[] message(long n) {
        return ByteBuffer.allocate(MESSAGE).putLong(n).array();
    }
}
