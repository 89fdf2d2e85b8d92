package dev.conduit.examples.cli;

import dev.conduit.core.Endpoint;
import dev.conduit.ipc.queue.Queues;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit queue info queue:///dir}: the queue's segments, size, indices and readers, one fact per line; a
 * contract for scripts:
 *
 * <pre>
 * queue /var/q/orders
 * segments 3 (0 to 2)
 * bytes 201326592
 * messages 120000
 * first index 0
 * last index 8589934591
 * next index 8589934592
 * reader billing next 4294967310 lag 80000 in use by pid 4711
 * reader audit no position
 * </pre>
 *
 * An index is {@code segment << 32 | sequence}; {@code last index} is -1 while no message is retained.
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Print a queue's segments, size, first and last index, and each reader's position and lag.")
final class QueueInfoCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URI", description = "a queue: queue:///dir")
    String uri;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Endpoint endpoint = Endpoint.parse(uri);
        if (Endpoints.isNatsStream(endpoint)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "queue info reads queue:// directories; for a JetStream stream ask the NATS servers, for example"
                            + " with the nats CLI: nats stream info NAME, nats consumer info NAME READER");
        }
        if (!endpoint.scheme().equals("queue")) {
            throw new ParameterException(spec.commandLine(), "queue info expects queue:///dir, not " + uri);
        }
        Queues.Info info = Queues.info(Path.of(endpoint.address()));
        PrintWriter out = spec.commandLine().getOut();
        List<Queues.Segment> segments = info.segments();
        out.println("queue " + info.directory());
        out.println("segments " + segments.size() + " (" + segments.get(0).number() + " to "
                + segments.get(segments.size() - 1).number() + ")");
        out.println("bytes " + info.bytes());
        out.println("messages " + info.messages());
        out.println("first index " + info.firstIndex());
        out.println("last index " + info.lastIndex());
        out.println("next index " + info.nextIndex());
        for (Queues.Reader r : info.readers()) {
            String position = r.nextIndex() < 0 ? "no position" : "next " + r.nextIndex() + " lag " + r.lag();
            out.println(
                    "reader " + r.name() + " " + position + (r.ownerPid() > 0 ? " in use by pid " + r.ownerPid() : ""));
        }
        out.flush();
        return 0;
    }
}
