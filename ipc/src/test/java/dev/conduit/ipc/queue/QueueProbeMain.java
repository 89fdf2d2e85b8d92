package dev.conduit.ipc.queue;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import java.time.Duration;

/**
 * Connects to the queue at {@code args[0]} and prints the first message ({@code read: <text>}, exit 0), or the error
 * ({@code refused: <message>}, exit 1): what another user's process gets.
 */
public final class QueueProbeMain {
    private QueueProbeMain() {}

    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("probe").build()) {
            Channel<String> channel = conduit.connect(args[0], Codecs.text());
            System.out.println("read: " + channel.receive(Duration.ofSeconds(10)));
        } catch (RuntimeException e) {
            System.out.println("refused: " + e.getMessage());
            System.exit(1);
        }
    }
}
