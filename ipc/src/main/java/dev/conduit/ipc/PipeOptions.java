package dev.conduit.ipc;

import dev.conduit.core.Attributes;
import dev.conduit.core.Option;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code pipe:} endpoints, beyond {@link dev.conduit.core.ChannelOptions}. Connecting to a {@code pipe:}
 * endpoint spawns a child process and talks over its stdin and stdout; listening on {@code pipe:} (in the child)
 * serves the process's own stdin and stdout:
 *
 * <pre>{@code
 * pipe:?cmd=python3 worker.py --fast&stderr=inherit&exitTimeout=5s     (parent: spawn and connect)
 * pipe:                                                               (child: listen on own stdio)
 * }</pre>
 *
 * <p>Immutable constants; safe to share between threads.
 */
public final class PipeOptions {
    private PipeOptions() {}

    /** What the child's stderr does: it never mixes into messages. */
    public enum Stderr {
        /** Each line is logged (logger {@code dev.conduit.ipc.pipe.stderr}, level INFO) with the child's pid. */
        LOG,
        /** The child writes to this process's stderr directly. */
        INHERIT,
        /** Thrown away. */
        DISCARD
    }

    /**
     * The command to spawn, split into words the way a shell splits them but without any expansion: whitespace
     * separates words, {@code '...'} and {@code "..."} group, a backslash escapes the next character. In a URI, write
     * spaces as {@code %20} or quote the whole URI for your shell.
     */
    public static final Option<String> CMD = Option.string(
            "cmd", null, "the command to spawn, e.g. cmd=python3 worker.py (words split like a shell, no expansion)");

    /** The child's working directory; default: this process's. */
    public static final Option<String> DIR = Option.string("dir", null, "the child's working directory");

    /** What the child's stderr does; default {@link Stderr#LOG}. */
    public static final Option<Stderr> STDERR = Option.choice(
            "stderr", Stderr.class, Stderr.LOG, "the child's stderr: log (line by line), inherit or discard");

    /**
     * How long closing the channel waits for the child to exit after its stdin closed, before ending it (SIGTERM,
     * then SIGKILL a second later); default 2 s.
     */
    public static final Option<Duration> EXIT_TIMEOUT = Option.duration(
            "exitTimeout",
            Duration.ofSeconds(2),
            "how long a closing channel waits for the child to exit after closing its stdin, before killing it");

    /**
     * The child to spawn, as a {@link ProcessBuilder} attached to the endpoint of a connect in place of {@link #CMD}
     * (which {@link Pipes#spawn} does): everything the builder says (environment, directory, stderr) reaches the
     * transport. Its stdin and stdout must stay {@code Redirect.PIPE}; if stderr is {@code PIPE} too (the builder's
     * default), {@link #STDERR} decides where it goes, which sets it on the builder.
     */
    public static final Attributes.Key<ProcessBuilder> PROCESS =
            Attributes.Key.of("pipe.process", ProcessBuilder.class);

    /** Every {@code pipe:} option. */
    public static final List<Option<?>> ALL = List.of(CMD, DIR, STDERR, EXIT_TIMEOUT);
}
