package dev.conduit.ipc.testing;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import java.time.Duration;

/**
 * Connects to {@code args[0]} from another process and prints one line: {@code connected} (then, for each later
 * argument, sends it and prints the reply), or {@code failed: <message>}.
 */
public final class ConnectProbeMain {
    private ConnectProbeMain() {}

    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("probe").build()) {
            Channel<String> ch;
            try {
                ch = conduit.connect(args[0], Codecs.text());
            } catch (RuntimeException e) {
                System.out.println("failed: " + e.getMessage());
                return;
            }
            System.out.println("connected");
            for (int i = 1; i < args.length; i++) {
                ch.send(args[i]);
                System.out.println("reply: " + ch.receive(Duration.ofSeconds(10)));
            }
            ch.close();
            ch.closeFuture().join();
        }
    }
}
