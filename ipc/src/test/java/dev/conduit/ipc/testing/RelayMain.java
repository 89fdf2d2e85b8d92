package dev.conduit.ipc.testing;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelOptions;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.MessageHandler;
import dev.conduit.core.testkit.ConformanceAgent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A peer for the conformance suite over transports whose listener cannot serve the suite's concurrent channels
 * itself: {@code pipe:} (one child per channel) and {@code fifo://} (one peer at a time per path). It listens on
 * {@code --front} endpoints and relays every accepted channel, message by message, to a {@link ConformanceAgent}:
 * either one in this process ({@code --agent <listenUri>}) or a shared one elsewhere ({@code --hub <uri>}), so that
 * the agent's state (gates, close reasons by tag) is shared by every channel of a test.
 *
 * <p>The relay keeps the suite's semantics end to end: it forwards with backpressure (a stalled agent stops the
 * relay reading, so the sender's pipe fills), and forwards closes once the messages before them are on their way.
 * Limits such as {@code maxFrame} go on the {@code --front} endpoints, so that the transport under test enforces
 * them; the relay connects to the agent without them. When a front channel closes on an error (an oversized frame,
 * say), the relay hands the reason to the agent ({@link ConformanceAgent#RELAYED_CLOSE}), which then reports it for
 * the channel's tag where the suite looks for it.
 *
 * <p>Runs until its stdin ends: in {@code pipe:} mode that is when the relayed channel closes.
 */
public final class RelayMain {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** One per relayed channel: done once its front's close has been passed on (or reported) to the agent. */
    private static final List<CompletableFuture<?>> SETTLED = new CopyOnWriteArrayList<>();

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
            if (fronts.stream().allMatch(f -> f.startsWith("pipe:"))) {
                // Stdin ended because the one relayed channel closed: pass that on before the runtime goes.
                for (CompletableFuture<?> settled : SETTLED) {
                    settled.handle((v, e) -> null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                }
            }
        }
    }

    private static void relay(Conduit conduit, Channel<byte[]> front, Endpoint hubEndpoint) {
        Channel<byte[]> hub = conduit.connect(hubEndpoint, Codecs.bytes());
        SETTLED.add(forward(front, hub, true));
        forward(hub, front, false);
    }

    /**
     * Forwards {@code from}'s messages to {@code to}, and its close once they are on their way; with {@code
     * reportErrors}, a close on error is reported to the agent instead, which closes {@code to} itself. Returns what
     * completes when that is done.
     */
    private static CompletableFuture<?> forward(Channel<byte[]> from, Channel<byte[]> to, boolean reportErrors) {
        AtomicReference<CompletableFuture<Void>> last = new AtomicReference<>(CompletableFuture.completedFuture(null));
        CompletableFuture<Object> settled = new CompletableFuture<>();
        from.onMessage(new MessageHandler<>() {
            @Override
            public void onMessage(Channel<byte[]> ch, byte[] message) throws Exception {
                if (!to.isWritable()) {
                    to.awaitWritable(WAIT);
                }
                last.set(to.send(message));
            }

            @Override
            public void onClose(Channel<byte[]> ch, CloseReason reason) {
                if (reason.kind() == CloseReason.Kind.ERROR && reportErrors) {
                    // The agent closes its end once it has the reason: closing here could overtake the report.
                    byte[] report = (ConformanceAgent.RELAYED_CLOSE + reason).getBytes(StandardCharsets.UTF_8);
                    last.get()
                            .handle((v, e) -> to.send(report))
                            .thenCompose(sent -> to.closeFuture())
                            .whenComplete((v, e) -> settled.complete(null));
                } else {
                    last.get().whenComplete((v, e) -> {
                        to.close();
                        settled.complete(null);
                    });
                }
            }
        });
        return settled;
    }
}
