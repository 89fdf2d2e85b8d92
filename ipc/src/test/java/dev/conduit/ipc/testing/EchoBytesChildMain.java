package dev.conduit.ipc.testing;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.Pipes;
import java.time.Duration;

/** A {@code pipe:} child that echoes every message, with backpressure, until its channel closes. */
public final class EchoBytesChildMain {
    private EchoBytesChildMain() {}

    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("echochild").build()) {
            Channel<byte[]> parent = Pipes.stdio(conduit, Codecs.bytes());
            parent.onMessage((ch, m) -> {
                if (!ch.isWritable()) {
                    ch.awaitWritable(Duration.ofSeconds(30));
                }
                ch.send(m);
            });
            parent.closeFuture().get();
        }
    }
}
