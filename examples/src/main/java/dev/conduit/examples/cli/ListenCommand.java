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
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit listen URI}: prints {@code listening on <bound URI>} as its first line of stdout, then every message
 * it receives, one per line; with {@code --echo} it sends each one back. Runs until interrupted.
 *
 * <p>On {@code pipe:} the process's stdout is the channel to its parent, so these lines go to stderr instead, and the
 * command ends when its one channel closes. That makes {@code conduit listen pipe: --echo} a child any parent can
 * spawn, which is what {@code conduit ping pipe:} does.
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

    @Parameters(
            index = "0",
            paramLabel = "URI",
            converter = Arguments.Uri.class,
            description = "endpoint to listen on, e.g. tcp://127.0.0.1:0")
    String uri;

    @Option(names = "--echo", description = "send every message back to its sender")
    boolean echo;

    @Option(names = "--quiet", description = "do not print the messages received")
    boolean quiet;

    @Option(
            names = "--framing",
            paramLabel = "length|line|none",
            converter = Arguments.FramingChoice.class,
            description = "override the URI's framing")
    Framing framing;

    @Option(
            names = "--codec",
            defaultValue = "text",
            paramLabel = "text|bytes",
            converter = CodecConverter.class,
            description = "text: messages are UTF-8, printed as lines (the default); bytes: any payload, printed as"
                    + " its size and hex (use it for binary peers)")
    CodecChoice codec;

    /** {@code --codec text|bytes}. */
    static final class CodecConverter extends Arguments.LowerCase<CodecChoice> {
        CodecConverter() {
            super(CodecChoice.class);
        }
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Endpoint endpoint = Endpoints.parse(uri, framing);
        boolean stdio = Endpoints.ownsStdio(endpoint);
        // picocli's out wraps the real stdout, which on pipe: carries frames: print to stderr there.
        PrintWriter out =
                stdio ? spec.commandLine().getErr() : spec.commandLine().getOut();
        CountDownLatch done = new CountDownLatch(1);
        try (Conduit conduit = Conduit.builder().name("listen").build()) {
            Thread.currentThread().setName("conduit-listen-main");
            Listener<?> listener = codec == CodecChoice.TEXT
                    ? serve(conduit, endpoint, Codecs.text(), s -> s, out, stdio ? done : null)
                    : serve(conduit, endpoint, Codecs.bytes(), Endpoints::describe, out, stdio ? done : null);
            out.println("listening on " + listener.endpoint());
            out.flush();
            Thread hook = new Thread(conduit::close, "conduit-listen-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                done.await();
            } catch (InterruptedException e) {
                // interrupted: stop listening
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return 0;
    }

    /** Serves {@code endpoint}; with {@code lastChannel}, counts it down when the (one) channel closes. */
    private <T> Listener<T> serve(
            Conduit conduit,
            Endpoint endpoint,
            Codec<T> c,
            Function<T, String> show,
            PrintWriter out,
            @Nullable CountDownLatch lastChannel) {
        return conduit.listen(endpoint, c, (Channel<T> ch) -> {
            if (lastChannel != null) {
                ch.closeFuture().whenComplete((r, e) -> lastChannel.countDown());
            }
            if (echo && quiet) {
                // Nothing to print: echo on the transport's own thread, with no hand-off to a handler thread (a
                // wake-up per message, tens of µs). offer() never blocks; a peer that stops reading its echoes until
                // the channel's sendLimit is reached is disconnected.
                ch.onMessage(
                        (from, message) -> {
                            if (!from.offer(message)) {
                                from.close();
                            }
                        },
                        Channel.DIRECT);
                return;
            }
            ch.onMessage((from, message) -> {
                if (!quiet) {
                    out.println(show.apply(message));
                    out.flush();
                }
                if (echo) {
                    if (!from.isWritable()) {
                        from.awaitWritable(java.time.Duration.ofSeconds(30));
                    }
                    from.send(message);
                }
            });
        });
    }
}
