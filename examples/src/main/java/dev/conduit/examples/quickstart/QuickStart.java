package dev.conduit.examples.quickstart;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import java.time.Duration;

/** The README's quick start, compiled so that it cannot rot. Run it with a URI, e.g. {@code inproc://demo}. */
public final class QuickStart {
    private QuickStart() {}

    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "inproc://demo";
        try (Conduit conduit = Conduit.create();
                Listener<String> server =
                        conduit.listen(uri, Codecs.text(), ch -> ch.onMessage((c, msg) -> c.send(msg.toUpperCase())));
                Channel<String> client = conduit.connect(server.endpoint(), Codecs.text())) {
            client.send("hello");
            System.out.println(client.receive(Duration.ofSeconds(5))); // HELLO
        }
    }
}
