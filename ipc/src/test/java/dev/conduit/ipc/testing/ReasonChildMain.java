package dev.conduit.ipc.testing;

import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.Pipes;
import java.nio.file.Files;
import java.nio.file.Path;

/** A {@code pipe:} child that takes messages until its channel closes, writes the close reason to {@code args[0]}, and exits. */
public final class ReasonChildMain {
    private ReasonChildMain() {}

    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("reasonchild").build()) {
            var parent = Pipes.stdio(conduit, Codecs.text());
            parent.onMessage((ch, m) -> {});
            CloseReason reason = parent.closeFuture().get();
            // Written as soon as the channel has closed, before the runtime shuts down; renamed so readers see it
            // whole.
            Path tmp = Path.of(args[0] + ".tmp");
            Files.writeString(tmp, reason.toString());
            Files.move(tmp, Path.of(args[0]));
        }
    }
}
