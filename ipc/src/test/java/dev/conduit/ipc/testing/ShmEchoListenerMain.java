package dev.conduit.ipc.testing;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;

/** Listens on {@code args[0]} with an echo handler, prints {@code listening <endpoint>}, and serves until stdin ends. */
public final class ShmEchoListenerMain {
    private ShmEchoListenerMain() {}

    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("echo").build()) {
            Listener<String> listener = conduit.listen(args[0], Codecs.text(), ch -> ch.onMessage(Channel::send));
            System.out.println("listening " + listener.endpoint());
            while (System.in.read() >= 0) {
                // until stdin ends
            }
        }
    }
}
