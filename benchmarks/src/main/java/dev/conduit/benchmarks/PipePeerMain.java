package dev.conduit.benchmarks;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.ipc.Pipes;

/**
 * A benchmark child on its own stdin and stdout: {@code echo <pipe-options>} offers every message back on the reader
 * thread, as {@link SocketEcho} does; {@code sink <pipe-options>} drops them. Ends when its parent closes the
 * channel.
 */
public final class PipePeerMain {
    private PipePeerMain() {}

    public static void main(String[] args) throws Exception {
        boolean echo = args[0].equals("echo");
        try (Conduit conduit = Conduit.builder().name("benchchild").build()) {
            Channel<byte[]> parent = Pipes.stdio(conduit, Codecs.bytes(), Endpoint.parse(args[1]));
            parent.onMessage(
                    (ch, m) -> {
                        if (echo && !ch.offer(m)) {
                            throw new IllegalStateException("echo: sendLimit reached with one message in flight");
                        }
                    },
                    Channel.DIRECT);
            parent.closeFuture().get();
        }
    }
}
