package dev.conduit.ipc.testing;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.PeerCredentials;
import java.time.Duration;

/**
 * Connects to {@code args[0]} and prints what it learns, one line each: {@code connected pid=<own> peer <peer>} (or
 * {@code failed: <message>}), then, for each later argument, sends it and prints {@code reply: <text>} or {@code
 * closed: <reason>} once the channel closes. Run as another uid to see both ends of a cross-user connection.
 */
public final class CredentialsProbeMain {
    private CredentialsProbeMain() {}

    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("credprobe").build()) {
            Channel<String> ch;
            try {
                ch = conduit.connect(args[0], Codecs.text());
            } catch (RuntimeException e) {
                System.out.println("failed: " + e.getMessage());
                return;
            }
            System.out.println("connected pid=" + ProcessHandle.current().pid() + " peer "
                    + ch.property(PeerCredentials.KEY).map(String::valueOf).orElse("?"));
            for (int i = 1; i < args.length; i++) {
                try {
                    ch.send(args[i]);
                    String reply = ch.receive(Duration.ofSeconds(20));
                    System.out.println(reply != null ? "reply: " + reply : "closed: no reply in 20 s");
                } catch (ChannelClosedException e) {
                    System.out.println("closed: " + e.getMessage());
                    return;
                }
            }
            ch.close();
            ch.closeFuture().join();
        }
    }
}
