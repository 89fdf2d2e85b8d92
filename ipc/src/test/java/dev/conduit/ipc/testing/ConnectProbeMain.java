package dev.conduit.ipc.testing;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.PeerCredentials;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Connects to an endpoint from another process and prints one line: {@code connected} (then, for each later argument,
 * sends it and prints {@code reply: <text>}, or {@code closed: <reason>} once the channel closes), or {@code failed:
 * <message>}. With {@code --peer} first, the line is {@code connected pid=<own pid> peer <peer credentials>}: run as
 * another uid, that shows both ends of a cross-user connection.
 */
public final class ConnectProbeMain {
    private ConnectProbeMain() {}

    public static void main(String[] argv) throws Exception {
        boolean peer = argv.length > 0 && argv[0].equals("--peer");
        List<String> args = Arrays.asList(argv).subList(peer ? 1 : 0, argv.length);
        try (Conduit conduit = Conduit.builder().name("probe").build()) {
            Channel<String> ch;
            try {
                ch = conduit.connect(args.get(0), Codecs.text());
            } catch (RuntimeException e) {
                System.out.println("failed: " + e.getMessage());
                return;
            }
            System.out.println(
                    peer
                            ? "connected pid=" + ProcessHandle.current().pid() + " peer "
                                    + ch.property(PeerCredentials.KEY)
                                            .map(String::valueOf)
                                            .orElse("?")
                            : "connected");
            for (String message : args.subList(1, args.size())) {
                try {
                    ch.send(message);
                    System.out.println("reply: " + ch.receive(Duration.ofSeconds(10)));
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
