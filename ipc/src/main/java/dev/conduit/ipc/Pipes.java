package dev.conduit.ipc;

import dev.conduit.core.Channel;
import dev.conduit.core.Codec;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConduitException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Listener;
import dev.conduit.core.Property;
import dev.conduit.ipc.pipe.internal.PipeProperties;
import java.time.Duration;
import java.util.Objects;

/**
 * Channels over a child process's stdin and stdout: {@link #spawn} in the parent, {@link #stdio} in the child. The
 * same as connecting to and listening on {@code pipe:} endpoints, for a command given as a {@link ProcessBuilder}.
 *
 * <pre>{@code
 * // parent
 * Channel<String> worker = Pipes.spawn(conduit, new ProcessBuilder("python3", "worker.py"), Codecs.text());
 * // child (Java)
 * Channel<String> parent = Pipes.stdio(conduit, Codecs.text());   // while it is open, System.out goes to stderr
 * }</pre>
 *
 * <h2>The child process</h2>
 *
 * Its stderr never mixes into messages: by default each line is logged; a {@code ProcessBuilder} whose {@code
 * redirectError} is not {@code PIPE} keeps what it says, and {@link PipeOptions#STDERR} chooses otherwise. When the
 * child exits, the channel closes with {@link dev.conduit.core.CloseReason.Kind#PEER} and a detail naming the exit
 * code. Closing the channel closes the child's stdin, waits {@link PipeOptions#EXIT_TIMEOUT} for it to exit, then
 * ends it (SIGTERM, then SIGKILL); closing the runtime does the same, so no child outlives it. The child's {@link
 * ProcessHandle} is the channel property {@link #PROCESS}.
 *
 * <h2>In the child</h2>
 *
 * {@link #stdio} takes over the process's stdin and stdout for one channel. While it is open {@code System.out} is
 * {@code System.err}, so stray prints land on stderr instead of corrupting the stream, and {@code System.in} yields no
 * bytes: its reads wait until the channel closes, then report end of stream (so a loop that "serves until stdin
 * closes" still works). When the channel closes, {@code System.out} is set back to what it was; stdout itself closed
 * with the channel, so later output there goes nowhere. Output that bypasses {@code System.out} (a {@code PrintStream} saved before the call, {@code
 * FileDescriptor.out}, native code, or JVM messages unless the child runs with {@code -XX:+DisplayVMOutputToStderr})
 * is not guarded: take the channel first thing in {@code main}. Stdin and stdout serve one channel per process.
 *
 * <p>Thread-safe. The returned channels are closed by the caller (or with their runtime).
 */
public final class Pipes {
    private Pipes() {}

    /** The channel property holding the child process of a {@code pipe:} channel opened by its parent. */
    public static final Property<ProcessHandle> PROCESS = PipeProperties.PROCESS;

    /** Spawns {@code builder}'s command and returns a channel over its stdin and stdout, with default options. */
    public static <T> Channel<T> spawn(Conduit conduit, ProcessBuilder builder, Codec<T> codec) {
        return spawn(conduit, builder, codec, Endpoint.parse("pipe:"));
    }

    /**
     * Spawns {@code builder}'s command and returns a channel over its stdin and stdout.
     *
     * @param options a {@code pipe:} endpoint carrying options, e.g. {@code pipe:?framing=line&exitTimeout=5s}
     * @throws dev.conduit.core.ConnectFailedException if the command cannot be started
     * @throws EndpointException if {@code options} is not a {@code pipe:} endpoint without a command, or the
     *     builder redirects stdin or stdout, or merges stderr into stdout
     */
    public static <T> Channel<T> spawn(Conduit conduit, ProcessBuilder builder, Codec<T> codec, Endpoint options) {
        Objects.requireNonNull(builder, "builder");
        if (!options.scheme().equals("pipe") || options.find(PipeOptions.CMD).isPresent()) {
            throw new EndpointException("Pipes.spawn takes a pipe: endpoint with options only, not " + options);
        }
        return conduit.connect(options.with(PipeOptions.PROCESS, builder), codec);
    }

    /**
     * The words of a command as one line for the {@code cmd} option ({@link PipeOptions#CMD}) of a {@code pipe:}
     * URI: a word with blanks, quotes or backslashes is single-quoted, so that the transport splits the line back
     * into exactly these words. For example {@code Endpoint.parse("pipe:").with(PipeOptions.CMD,
     * Pipes.commandLine(List.of(java, "-cp", classpath, "app.Main")))}.
     */
    public static String commandLine(java.util.List<String> words) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least one word");
        }
        return dev.conduit.ipc.pipe.internal.CommandLine.join(words);
    }

    /** In the child: a channel over this process's own stdin and stdout, with default options. */
    public static <T> Channel<T> stdio(Conduit conduit, Codec<T> codec) {
        return stdio(conduit, codec, Endpoint.parse("pipe:"));
    }

    /**
     * In the child: a channel over this process's own stdin and stdout. Closing the channel closes them.
     *
     * @param options a {@code pipe:} endpoint carrying options, e.g. {@code pipe:?framing=line}
     * @throws dev.conduit.core.BindFailedException if stdin and stdout already serve (or served) a channel
     */
    public static <T> Channel<T> stdio(Conduit conduit, Codec<T> codec, Endpoint options) {
        Listener<T> listener = conduit.listen(options, codec);
        try {
            Channel<T> channel = listener.accept(Duration.ofSeconds(10));
            if (channel == null) {
                throw new ConduitException("the stdio channel was not accepted within 10 s");
            }
            channel.closeFuture().whenComplete((r, e) -> listener.close());
            return channel;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.close();
            throw new ConduitException("interrupted while opening the stdio channel", e);
        } catch (RuntimeException e) {
            listener.close();
            throw e;
        }
    }
}
