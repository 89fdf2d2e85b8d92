package dev.conduit.transport.nats.internal;

import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;

/**
 * A {@code nats://} echo listener as a program, for tests that kill one with SIGKILL: {@code EchoListenerMain <uri>
 * <name>} answers every text message with {@code <name>:<message>}, prints {@code listening} and serves until its
 * stdin closes.
 */
public final class EchoListenerMain {
    private EchoListenerMain() {}

    public static void main(String[] args) throws Exception {
        String name = args[1];
        try (Conduit conduit = Conduit.builder().name(name).build();
                Listener<String> listener =
                        conduit.listen(args[0], Codecs.text(), ch -> ch.onMessage((c, m) -> c.send(name + ":" + m)))) {
            System.out.println("listening");
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin
            }
        }
    }
}
