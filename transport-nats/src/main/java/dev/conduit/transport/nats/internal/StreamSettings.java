package dev.conduit.transport.nats.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.transport.nats.NatsOptions;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The JetStream side of a {@code nats://…/stream/NAME} endpoint, checked before anything connects. Conduit appends on
 * the subject named like the stream (as {@code nats stream add NAME} makes it), and its readers are durable pull
 * consumers of the stream filtered on that subject.
 *
 * @param stream the stream's name, which is also the subject Conduit appends on
 * @param reader the durable reader's name (the consumer's), or null for a channel that only appends
 * @param from where a reader without a stored position starts: {@code start}, {@code end} or a stream sequence
 * @param replicas the replicas of the stream if Conduit creates it
 */
record StreamSettings(String stream, @Nullable String reader, String from, int replicas) {

    /** What JetStream allows in stream and consumer names, and what a subject token may be: no dots, no wildcards. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    static StreamSettings of(Endpoint endpoint, NatsTarget target) {
        String stream = target.streamName();
        if (!NAME.matcher(stream).matches()) {
            throw new EndpointException(endpoint + " names stream '" + stream + "'; expected a stream name of 1 to 64"
                    + " letters, digits, '-' and '_' (no dots: the name is also the subject Conduit appends on)");
        }
        String reader = endpoint.find(NatsOptions.READER).orElse(null);
        if (reader != null && !NAME.matcher(reader).matches()) {
            throw new EndpointException(endpoint + " names reader '" + reader
                    + "'; expected a reader name of 1 to 64 letters, digits, '-' and '_'");
        }
        return new StreamSettings(stream, reader, endpoint.get(NatsOptions.FROM), endpoint.get(NatsOptions.REPLICAS));
    }

    /** The subject Conduit appends on and its readers read: the stream's name. */
    String subject() {
        return stream;
    }
}
