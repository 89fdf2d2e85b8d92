package dev.conduit.transport.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.transport.nats.testing.NatsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Handlers on the direct executor run on the NATS dispatcher thread, whose sends are held until the handler returns
 * (so that a burst leaves as one NATS message): they still arrive in order, and a handler that runs on, waiting for
 * what its own sends cause, is not stuck behind them.
 */
class NatsHeldWritesTest extends TwoRuntimesAndAServer {
    @Test
    void aHandlerThatWaitsForTheAnswerToWhatItSentIsNotStuckBehindItsHeldSend() throws Exception {
        server = NatsServer.start();
        // Slow heartbeats: a heartbeat, too, carries what is held (after 20 s here), and a session given up on the
        // blocked dispatcher would publish it as it closes; this is about the ticker, which comes every 50 ms.
        String uri = "nats://" + server.address() + "/held.wait?heartbeat=20s&heartbeatTimeout=60s";
        Duration beforeAHeartbeat = Duration.ofSeconds(5);
        CountDownLatch answered = new CountDownLatch(1);
        AtomicBoolean handlerSawTheAnswer = new AtomicBoolean();
        listening.listen(
                uri,
                Codecs.text(),
                ch -> ch.onMessage(
                        (c, m) -> {
                            c.send("reply to " + m);
                            // The answer comes through another runtime's NATS connection and dispatcher, so only
                            // the reply leaving while this handler still runs can bring it.
                            try {
                                handlerSawTheAnswer.set(answered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        Channel.DIRECT));
        try (Channel<String> client = connecting.connect(uri, Codecs.text())) {
            client.send("hello");
            assertThat(client.receive(beforeAHeartbeat)).isEqualTo("reply to hello");
            answered.countDown();
            client.send("again");
            assertThat(client.receive(beforeAHeartbeat)).isEqualTo("reply to again");
            answered.countDown();
        }
        assertThat(handlerSawTheAnswer).isTrue();
    }

    @Test
    void aBurstSentFromADirectHandlerArrivesWholeAndInOrder() throws Exception {
        server = NatsServer.start();
        String uri = "nats://" + server.address() + "/held.burst";
        int burst = 10_000; // about 120 KiB: two DATA messages of up to 64 KiB, within the 256 KiB of credit
        listening.listen(
                uri,
                Codecs.text(),
                ch -> ch.onMessage(
                        (c, m) -> {
                            for (int i = 0; i < burst; i++) {
                                c.offer(m + " " + i);
                            }
                        },
                        Channel.DIRECT));
        List<String> received = new ArrayList<>();
        try (Channel<String> client = connecting.connect(uri, Codecs.text())) {
            client.send("n");
            String m;
            while (received.size() < burst && (m = client.receive(TIMEOUT)) != null) {
                received.add(m);
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            expected.add("n " + i);
        }
        assertThat(received).containsExactlyElementsOf(expected);
    }
}
