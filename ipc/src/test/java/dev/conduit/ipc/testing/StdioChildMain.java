package dev.conduit.ipc.testing;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.Pipes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Java child on {@link Pipes#stdio}: echoes {@code echo:<message>}, prints to {@code System.out} while it works
 * (which must land on stderr), reads {@code System.in} on the side (which must yield nothing until the channel
 * closes), and closes its channel on {@code exit}.
 */
public final class StdioChildMain {
    private StdioChildMain() {}

    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("child").build()) {
            Channel<String> parent = Pipes.stdio(conduit, Codecs.text());
            System.out.println("stray print to System.out after the claim");
            CompletableFuture<String> stdin = CompletableFuture.supplyAsync(() -> {
                try {
                    int first = System.in.read();
                    return "System.in read " + first + "; channel open: " + parent.isOpen();
                } catch (java.io.IOException e) {
                    return "System.in failed: " + e;
                }
            });
            parent.onMessage((ch, m) -> {
                System.out.println("handling " + m);
                if (m.equals("exit")) {
                    ch.send("bye").whenComplete((v, e) -> ch.close());
                } else {
                    ch.send("echo:" + m);
                }
            });
            parent.closeFuture().get();
            System.err.println(stdin.get(10, TimeUnit.SECONDS));
        }
    }
}
