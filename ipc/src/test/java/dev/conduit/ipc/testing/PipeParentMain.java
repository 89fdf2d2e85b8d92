package dev.conduit.ipc.testing;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.Pipes;
import java.time.Duration;
import java.util.List;

/**
 * A parent that spawns {@link ReasonChildMain} (reporting to {@code args[0]}) over {@code pipe:}, prints {@code child
 * <pid>}, then streams to it until killed: for testing what a child does when its parent dies.
 */
public final class PipeParentMain {
    private PipeParentMain() {}

    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("parent").build()) {
            Channel<String> child = Pipes.spawn(
                    conduit,
                    new ProcessBuilder(ChildJvm.command(List.of(), ReasonChildMain.class, args[0]))
                            .redirectError(ProcessBuilder.Redirect.INHERIT),
                    Codecs.text());
            System.out.println(
                    "child " + child.property(Pipes.PROCESS).orElseThrow().pid());
            System.out.flush();
            for (long i = 0; ; i++) {
                if (!child.isWritable() && !child.awaitWritable(Duration.ofSeconds(30))) {
                    return;
                }
                child.send("message " + i);
            }
        }
    }
}
