package dev.conduit.ipc.pipe.internal;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Framing;
import dev.conduit.core.Option;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.InboundBudget;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.core.spi.Transport;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.ipc.PipeOptions;
import dev.conduit.ipc.stream.internal.IpcThreads;
import dev.conduit.ipc.stream.internal.StreamLink;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * {@code pipe:}: connecting spawns a child ({@code ?cmd=} or {@code Pipes.spawn}) and talks over its
 * stdin and stdout; listening (in the child) serves the process's own stdin and stdout, as one channel. Length-prefix
 * framing by default, line framing for scripts.
 */
public final class PipeTransport implements Transport {

    @Override
    public Set<String> schemes() {
        return Set.of("pipe");
    }

    @Override
    public List<Option<?>> options(String scheme) {
        return PipeOptions.ALL;
    }

    @Override
    public List<Framing> framings(String scheme) {
        return List.of(Framing.LENGTH, Framing.LINE);
    }

    /** Written {@code pipe:}: a pipe endpoint has no address ({@code pipe://} is accepted as the same thing). */
    @Override
    public String uriPrefix(String scheme) {
        return "pipe:";
    }

    @Override
    public void checkConnect(Endpoint endpoint, LinkConfig config) {
        checkNoAddress(endpoint);
        if (attached(endpoint, config) == null) {
            commandBuilder(endpoint);
        }
    }

    @Override
    public CompletableFuture<Void> connect(
            Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        checkNoAddress(endpoint);
        ProcessBuilder builder = builder(endpoint, config);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ConnectFailedException(
                    endpoint.toString(),
                    "cannot start " + CommandLine.join(builder.command()) + ": " + e.getMessage(),
                    e);
        }
        ChildProcesses.of(context).add(process);
        IpcThreads threads = IpcThreads.of(context);
        ChildEnds ends = new ChildEnds(process, endpoint.get(PipeOptions.EXIT_TIMEOUT), context.scheduler());
        Endpoint remote = Endpoint.parse("pipe:pid:" + process.pid());
        Endpoint local = Endpoint.parse("pipe:pid:" + ProcessHandle.current().pid());
        StreamLink link = new StreamLink(
                "pipe",
                ends,
                framer(config),
                context.allocator(),
                local,
                remote,
                threads,
                InboundBudget.of(context).account(endpoint));
        if (builder.redirectError() == ProcessBuilder.Redirect.PIPE) {
            String who = builder.command().get(0) + " pid " + process.pid();
            threads.start("pipe-stderr", new StderrPump(process.getErrorStream(), who));
        }
        link.start(binder);
        return CompletableFuture.completedFuture(null);
    }

    /** The builder attached in code ({@link PipeOptions#PROCESS}), or null; never together with {@code cmd=}. */
    private static @Nullable ProcessBuilder attached(Endpoint endpoint, LinkConfig config) {
        ProcessBuilder builder = config.attributes().get(PipeOptions.PROCESS);
        if (builder != null && endpoint.find(PipeOptions.CMD).isPresent()) {
            throw new EndpointException(endpoint + " names a command (cmd=) and has a ProcessBuilder attached as "
                    + PipeOptions.PROCESS.name() + "; expected one of them");
        }
        return builder;
    }

    /** The child to start: a builder attached in code (as by {@code Pipes.spawn}), or one made from {@code cmd=}. */
    private static ProcessBuilder builder(Endpoint endpoint, LinkConfig config) {
        ProcessBuilder builder = attached(endpoint, config);
        if (builder != null) {
            if (builder.redirectError() == ProcessBuilder.Redirect.PIPE) {
                applyStderr(builder, endpoint);
            }
        } else {
            builder = commandBuilder(endpoint);
        }
        if (builder.redirectInput() != ProcessBuilder.Redirect.PIPE
                || builder.redirectOutput() != ProcessBuilder.Redirect.PIPE) {
            throw new EndpointException("the child's stdin and stdout carry the channel: its ProcessBuilder must"
                    + " leave them as Redirect.PIPE");
        }
        if (builder.redirectErrorStream()) {
            throw new EndpointException(
                    "redirectErrorStream(true) would mix the child's stderr into messages; redirect stderr instead");
        }
        return builder;
    }

    /** The child named by {@code cmd=}, with {@code dir=} and {@code stderr=} applied. */
    private static ProcessBuilder commandBuilder(Endpoint endpoint) {
        Optional<String> cmd = endpoint.find(PipeOptions.CMD);
        if (cmd.isEmpty()) {
            throw new EndpointException("connecting to " + endpoint + " needs a command to spawn: pipe:?cmd=...,"
                    + " or Pipes.spawn(conduit, processBuilder, codec); a child talks to its parent by listening on"
                    + " pipe: (or with Pipes.stdio)");
        }
        ProcessBuilder builder;
        try {
            builder = new ProcessBuilder(CommandLine.split(cmd.get()));
        } catch (IllegalArgumentException e) {
            throw new EndpointException("cmd of " + endpoint + " is not a command line: " + e.getMessage());
        }
        endpoint.find(PipeOptions.DIR).ifPresent(dir -> builder.directory(new File(dir)));
        applyStderr(builder, endpoint);
        return builder;
    }

    private static void applyStderr(ProcessBuilder builder, Endpoint endpoint) {
        switch (endpoint.get(PipeOptions.STDERR)) {
            case LOG -> builder.redirectError(ProcessBuilder.Redirect.PIPE);
            case INHERIT -> builder.redirectError(ProcessBuilder.Redirect.INHERIT);
            case DISCARD -> builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
    }

    @Override
    public Binding listen(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        checkNoAddress(endpoint);
        if (endpoint.find(PipeOptions.CMD).isPresent() || endpoint.attributes().get(PipeOptions.PROCESS) != null) {
            throw new EndpointException("listening on " + endpoint + " serves this process's own stdin and stdout;"
                    + " cmd= and " + PipeOptions.PROCESS.name() + " are for connecting, which spawns a child");
        }
        try {
            StdioGuard.claim();
        } catch (IllegalStateException e) {
            throw new BindFailedException(endpoint.toString(), e.getMessage(), null);
        }
        long pid = ProcessHandle.current().pid();
        Endpoint local = Endpoint.parse("pipe:pid:" + pid);
        Endpoint remote = Endpoint.parse("pipe:pid:"
                + ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L));
        StreamLink link = new StreamLink(
                "pipe",
                new StdioEnds(),
                framer(config),
                context.allocator(),
                local,
                remote,
                IpcThreads.of(context),
                InboundBudget.of(context).account(endpoint));
        link.start(binder);
        return new StdioBinding(endpoint);
    }

    private static void checkNoAddress(Endpoint endpoint) {
        if (!endpoint.address().isEmpty()) {
            throw new EndpointException(endpoint + ": a pipe: endpoint has no address; write pipe: or pipe:?cmd=...");
        }
    }

    private static StreamFramer framer(LinkConfig config) {
        return StreamFramer.of(config.framing(), config.maxFrame());
    }

    @Override
    public String toString() {
        return "PipeTransport";
    }
}
