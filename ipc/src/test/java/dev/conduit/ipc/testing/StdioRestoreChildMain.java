package dev.conduit.ipc.testing;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import java.io.PrintStream;
import java.time.Duration;

/**
 * A Java child that listens on {@code pipe:}, reports whether {@code System.out} was redirected while its channel was
 * open, closes the listener and the runtime, then says on stderr whether {@code System.out} is the original again.
 */
public final class StdioRestoreChildMain {
    private StdioRestoreChildMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream before = System.out;
        try (Conduit conduit = Conduit.builder().name("child").build()) {
            Listener<String> listener = conduit.listen("pipe:", Codecs.text());
            Channel<String> parent = listener.accept(Duration.ofSeconds(10));
            parent.send("redirected while open: " + (System.out != before)).get();
            parent.receive(Duration.ofSeconds(30)); // the parent's go-ahead
            listener.close();
        }
        System.err.println("System.out restored after close: " + (System.out == before));
    }
}
