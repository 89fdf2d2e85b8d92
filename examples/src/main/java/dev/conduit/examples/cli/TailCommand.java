package dev.conduit.examples.cli;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Property;
import dev.conduit.ipc.queue.QueueOptions;
import dev.conduit.ipc.queue.Queues;
import dev.conduit.transport.nats.NatsOptions;
import dev.conduit.transport.nats.NatsStreams;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit tail queue:///dir?reader=NAME} (or a JetStream stream, {@code nats://host:port/stream/NAME?reader=NAME}):
 * prints each message of the queue from the reader's position, one per line as text, and stores the position as it
 * goes (a message counts as read once it was received). Without {@code --follow} it stops at the end of the queue as
 * it was when the command started.
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = "Print the messages of a queue from a named reader's stored position, one per line, moving the"
                + " position on; stop at the end of the queue unless --follow.")
final class TailCommand implements Callable<Integer> {
    /** How long one wait for a message lasts before the end is checked again. */
    private static final Duration POLL = Duration.ofMillis(100);

    @Parameters(
            index = "0",
            paramLabel = "URI",
            description = "a queue with a reader: queue:///dir?reader=NAME or nats://host:port/stream/NAME?reader=NAME")
    String uri;

    @Option(
            names = "--from",
            paramLabel = "start|end|INDEX",
            description = "where a reader without a stored position starts (default: the URI's from=, else end)")
    String from;

    @Option(names = "--count", paramLabel = "N", description = "stop after N messages")
    Long count;

    @Option(names = "--follow", description = "wait for new messages instead of stopping at the end")
    boolean follow;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Endpoint endpoint = Endpoint.parse(uri);
        boolean stream = Endpoints.isNatsStream(endpoint);
        if (!endpoint.scheme().equals("queue") && !stream) {
            throw new ParameterException(
                    spec.commandLine(),
                    "tail reads queues: expected queue:///dir?reader=NAME or nats://host:port/stream/NAME?reader=NAME,"
                            + " not " + uri);
        }
        dev.conduit.core.Option<String> readerOption = stream ? NatsOptions.READER : QueueOptions.READER;
        dev.conduit.core.Option<String> fromOption = stream ? NatsOptions.FROM : QueueOptions.FROM;
        if (endpoint.find(readerOption).isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(), "tail needs a named reader to keep its position: add ?reader=NAME to " + uri);
        }
        if (from != null) {
            try {
                endpoint = endpoint.with(fromOption, fromOption.parse(from));
            } catch (EndpointException e) {
                throw new ParameterException(
                        spec.commandLine(), "--from " + from + " is not valid: expected start, end or an index");
            }
        }
        Property<Long> readerIndex = stream ? NatsStreams.READER_INDEX : Queues.READER_INDEX;
        PrintWriter out = spec.commandLine().getOut();
        try (Conduit conduit = Conduit.builder().name("tail").build();
                Channel<String> channel = conduit.connect(endpoint, Codecs.text())) {
            long end = stream
                    ? channel.property(NatsStreams.NEXT_INDEX)
                            .orElseThrow(() -> new IllegalStateException(
                                    "the NATS server did not say where stream " + uri + " ends"))
                    : Queues.info(Path.of(endpoint.address())).nextIndex();
            for (long printed = 0; count == null || printed < count; ) {
                if (!follow && channel.property(readerIndex).orElse(end) >= end) {
                    break;
                }
                String message = channel.receive(POLL);
                if (message != null) {
                    out.println(message);
                    out.flush();
                    printed++;
                }
            }
        } catch (InterruptedException e) {
            // interrupted while following: stop
        }
        return 0;
    }
}
