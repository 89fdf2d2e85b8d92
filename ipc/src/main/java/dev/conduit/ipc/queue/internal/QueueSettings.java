package dev.conduit.ipc.queue.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.ipc.queue.QueueOptions;
import dev.conduit.ipc.queue.QueueOptions.Sync;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * An endpoint's queue settings, validated.
 *
 * @param directory the queue's directory, absolute and normalized
 * @param reader the named reader, or null for a channel that only appends
 * @param from where a reader without a stored position starts
 * @param sync when sends reach the disk
 * @param segmentSize bytes of each new segment file
 * @param retention what retention keeps
 */
record QueueSettings(
        Path directory, @Nullable String reader, String from, Sync sync, int segmentSize, Retention.Policy retention) {

    static QueueSettings of(Endpoint endpoint) {
        String address = endpoint.address();
        if (!address.startsWith("/") || address.length() < 2) {
            throw new EndpointException(endpoint + " needs an absolute directory, for example queue:///var/q/orders");
        }
        String reader = endpoint.find(QueueOptions.READER).orElse(null);
        if (reader != null && !ReaderPosition.NAME.matcher(reader).matches()) {
            throw new EndpointException("option reader=" + reader + " in " + endpoint
                    + " is not valid: expected 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (reader == null && endpoint.find(QueueOptions.FROM).isPresent()) {
            throw new EndpointException(
                    "option from= in " + endpoint + " needs reader=NAME: only a named reader reads");
        }
        int segmentSize = endpoint.get(QueueOptions.SEGMENT_SIZE);
        if (!SegmentDescriptor.validSegmentSize(segmentSize)) {
            throw new EndpointException("option segmentSize=" + segmentSize + " in " + endpoint
                    + " is not valid: expected a multiple of 4096 from 64k to 1g");
        }
        return new QueueSettings(
                Path.of(address).toAbsolutePath().normalize(),
                reader,
                endpoint.get(QueueOptions.FROM),
                endpoint.get(QueueOptions.SYNC),
                segmentSize,
                new Retention.Policy(
                        endpoint.find(QueueOptions.RETAIN).orElse(null),
                        endpoint.find(QueueOptions.RETAIN_BYTES).orElse(null)));
    }

    /** The queue's URI without options, for messages. */
    String queue() {
        return "queue://" + directory;
    }
}
