package dev.conduit.examples.cli;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelOptions;
import dev.conduit.core.Codec;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.ipc.PipeOptions;
import dev.conduit.ipc.Pipes;
import dev.conduit.ipc.queue.QueueOptions;
import dev.conduit.transport.nats.NatsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Helpers shared by the commands. */
final class Endpoints {
    private Endpoints() {}

    /** {@code uri} with {@code --framing} applied when given. */
    static Endpoint parse(String uri, @Nullable Framing framing) {
        Endpoint endpoint = Endpoint.parse(uri);
        return framing == null ? endpoint : endpoint.with(ChannelOptions.FRAMING, framing);
    }

    /**
     * Connects to {@code endpoint}. A bare {@code pipe:} (no {@code cmd=}) spawns this program's own echo server as the
     * child: {@code conduit listen pipe: --echo --quiet --codec bytes}, with the endpoint's options, so that {@code
     * conduit ping pipe:} needs nothing else. (The bytes codec echoes any payload unchanged; text would replace bytes
     * that are not UTF-8.)
     */
    static <T> Channel<T> connect(Conduit conduit, Endpoint endpoint, Codec<T> codec) {
        if (endpoint.scheme().equals("pipe")
                && endpoint.find(PipeOptions.CMD).isEmpty()
                && endpoint.attributes().get(PipeOptions.PROCESS) == null) {
            ProcessBuilder child = selfCommand("listen", endpoint.toString(), "--echo", "--quiet", "--codec", "bytes")
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            return Pipes.spawn(conduit, child, codec, endpoint);
        }
        return conduit.connect(endpoint, codec);
    }

    /**
     * A command running this program ({@code conduit}) in a child JVM with the same classpath. JVM messages go to
     * stderr: the child's stdout may be a channel.
     */
    static ProcessBuilder selfCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+DisplayVMOutputToStderr");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ConduitCli.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /**
     * Whether a channel to {@code endpoint} only sends: a queue or a JetStream stream without a reader appends, and
     * nothing replies.
     */
    static boolean appendOnly(Endpoint endpoint) {
        return (endpoint.scheme().equals("queue")
                        && endpoint.find(QueueOptions.READER).isEmpty())
                || (isNatsStream(endpoint) && endpoint.find(NatsOptions.READER).isEmpty());
    }

    /** Whether {@code endpoint} names a JetStream stream: {@code nats://host:port/stream/NAME}. */
    static boolean isNatsStream(Endpoint endpoint) {
        return endpoint.scheme().equals("nats") && endpoint.address().contains("/stream/");
    }

    /** Whether listening on {@code endpoint} takes over this process's stdin and stdout ({@code pipe:}). */
    static boolean ownsStdio(Endpoint endpoint) {
        return endpoint.scheme().equals("pipe");
    }

    /** A duration as users write it: {@code 500ms}, {@code 10s}, {@code 2m}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 && ms > 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** A short printable form of a binary message. */
    static String describe(byte[] message) {
        StringBuilder sb = new StringBuilder().append(message.length).append(" bytes");
        if (message.length > 0) {
            sb.append(": ");
        }
        for (int i = 0; i < Math.min(message.length, 32); i++) {
            sb.append(String.format("%02x", message[i] & 0xff));
        }
        if (message.length > 32) {
            sb.append("...");
        }
        return sb.toString();
    }
}
