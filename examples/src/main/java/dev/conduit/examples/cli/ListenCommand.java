package dev.conduit.examples.cli;

import dev.conduit.core.Channel;
import dev.conduit.core.Codec;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.Listener;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit listen URI}: prints {@code listening on <bound URI>} as its first line of stdout, then every message
 * it receives, one per line; with {@code --echo} it sends each one back. Runs until interrupted.
 */
@Command(
        name = "listen",
        mixinStandardHelpOptions = true,
        description = "Listen on URI; print 'listening on <bound URI>', then each message received.")
final class ListenCommand implements Callable<Integer> {
    /** The codecs the CLI offers. */
    enum CodecChoice {
        TEXT,
        BYTES
    }

    @Parameters(index = "0", paramLabel = "URI", description = "endpoint to listen on, e.g. tcp://127.0.0.1:0")
    String uri;

    @Option(names = "--echo", description = "send every message back to its sender")
    boolean echo;

    @Option(names = "--framing", paramLabel = "length|line|none", description = "override the URI's framing")
    Framing framing;

    @Option(
            names = "--codec",
            defaultValue = "text",
            paramLabel = "text|bytes",
            description = "print messages as UTF-8 text (default) or as bytes")
    CodecChoice codec;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Endpoint endpoint = Endpoints.parse(uri, framing);
        PrintWriter out = spec.commandLine().getOut();
        try (Conduit conduit = Conduit.builder().name("listen").build()) {
            Thread.currentThread().setName("conduit-listen-main");
            Listener<?> listener = codec == CodecChoice.TEXT
                    ? serve(conduit, endpoint, Codecs.text(), s -> s, out)
                    : serve(conduit, endpoint, Codecs.bytes(), Endpoints::describe, out);
            out.println("listening on " + listener.endpoint());
            out.flush();
            Thread hook = new Thread(conduit::close, "conduit-listen-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        return 0;
    }

    private <T> Listener<T> serve(
            Conduit conduit, Endpoint endpoint, Codec<T> c, Function<T, String> show, PrintWriter out) {
        return conduit.listen(
                endpoint,
                c,
                (Channel<T> ch) -> ch.onMessage((from, message) -> {
                    out.println(show.apply(message));
                    out.flush();
                    if (echo) {
                        if (!from.isWritable()) {
                            from.awaitWritable(java.time.Duration.ofSeconds(30));
                        }
                        from.send(message);
                    }
                }));
    }
}
