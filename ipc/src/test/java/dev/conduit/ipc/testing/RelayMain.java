package dev.conduit.ipc.testing;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelOptions;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.MessageHandler;
import dev.conduit.core.testkit.ConformanceAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A peer for the conformance suite over transports whose listener cannot serve the suite's concurrent channels
 * itself: {@code pipe:} (one child per channel) and {@code fifo://} (one peer at a time per path). It listens on
 * {@code --front} endpoints and relays every accepted channel, message by message, to a {@link ConformanceAgent}:
 * either one in this process ({@code --agent <listenUri>}) or a shared one elsewhere ({@code --hub <uri>}), so that
 * the agent's state (gates, close reasons by tag) is shared by every channel of a test.
 *
 * <p>The relay keeps the suite's semantics end to end: it forwards with backpressure (a stalled agent stops the
 * relay reading, so the sender's pipe fills), and forwards closes once the messages before them are on their way. The
 * agent's {@code maxFrame} applies at the agent: the relay connects to it without that limit, so oversized frames are
 * refused where the suite looks for the reason.
 *
 * <p>Runs until its stdin ends: in {@code pipe:} mode that is when the relayed channel closes.
 */
public final class RelayMain {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private RelayMain() {}

    public static void main(String[] args) throws Exception {
        String hub = null;
        String agentUri = null;
        List<String> fronts = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--hub" -> hub = args[i + 1];
                case "--agent" -> agentUri = args[i + 1];
                case "--front" -> fronts.add(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        try (Conduit conduit = Conduit.builder().name("relay").build()) {
            String target =
                    agentUri != null ? ConformanceAgent.start(conduit, agentUri).uri() : hub;
            Endpoint hubEndpoint = Endpoint.parse(target).without(ChannelOptions.MAX_FRAME);
            for (String front : fronts) {
                conduit.listen(front, Codecs.bytes(), ch -> relay(conduit, ch, hubEndpoint));
            }
            // In pipe: mode System.out is stderr by now, so this line cannot corrupt the stream.
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until stdin ends
            }
        }
    }

    private static void relay(Conduit conduit, Channel<byte[]> front, Endpoint hubEndpoint) {
        Channel<byte[]> hub = conduit.connect(hubEndpoint, Codecs.bytes());
        forward(front, hub);
        forward(hub, front);
    }

    /** Forwards {@code from}'s messages to {@code to}, and its close once they are on their way. */
    private static void forward(Channel<byte[]> from, Channel<byte[]> to) {
        AtomicReference<CompletableFuture<Void>> last = new AtomicReference<>(CompletableFuture.completedFuture(null));
        from.onMessage(new MessageHandler<>() {
            @Override
            public void onMessage(Channel<byte[]> ch, byte[] message) throws Exception {
                if (!to.isWritable()) {
                    to.awaitWritable(WAIT);
                }
                last.set(to.send(message));
            }

            @Override
            public void onClose(Channel<byte[]> ch, dev.conduit.core.CloseReason reason) {
                last.get().whenComplete((v, e) -> to.close());
            }
        });
    }
}
