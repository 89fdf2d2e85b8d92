package dev.conduit.transport.nats.internal;

import dev.conduit.core.ConduitException;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a stream channel needs on the NATS servers before it can work: JetStream, the stream (made if missing), and a
 * reader's durable consumer at the reader's stored position. Blocking: JetStream API requests, each a round trip.
 */
final class JetStreamSetup {
    private JetStreamSetup() {}

    /** JetStream's error codes we tell apart (nats-server's errors.json). */
    private static final int STREAM_NOT_FOUND = 10059;

    private static final int CONSUMER_NOT_FOUND = 10014;
    private static final int STREAM_NAME_IN_USE = 10058;

    /** Messages a reader may have been sent and not yet delivered; the same read-ahead as queue://. */
    static final int MAX_ACK_PENDING = 4096;

    /**
     * How long JetStream waits for a delivered message's ack before it sends it again. A channel acks in order, and a
     * reader's next channel starts from the stored position anyway; a redelivery while a channel reads would only
     * repeat a message out of order, so the wait is long.
     */
    static final Duration ACK_WAIT = Duration.ofHours(1);

    /** Checks that JetStream answers; fails with a line that says how to turn it on. */
    static void requireJetStream(JetStreamManagement jsm, String servers) {
        try {
            jsm.getAccountStatistics();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            throw new ConduitException("JetStream is not enabled on the NATS server of " + servers
                    + " (start nats-server with -js, or enable JetStream for this account): " + e.getMessage());
        }
    }

    /**
     * The stream, created with {@code settings.replicas()} replicas and the one subject named like it if it does not
     * exist. A stream that exists is left as its operator made it, but must take the subject.
     */
    static StreamInfo stream(JetStreamManagement jsm, StreamSettings settings) throws IOException {
        String name = settings.stream();
        StreamInfo info;
        try {
            info = jsm.getStreamInfo(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw new ConduitException("cannot look up stream " + name + ": " + e.getMessage());
            }
            info = create(jsm, settings);
        }
        List<String> subjects = info.getConfiguration().getSubjects();
        if (subjects.stream().noneMatch(s -> matches(s, settings.subject()))) {
            throw new ConduitException("stream " + name + " exists with subjects " + subjects + ", none of which takes"
                    + " subject " + settings.subject() + ", the one Conduit appends on; add it to the stream's subjects"
                    + " or name another stream");
        }
        return info;
    }

    private static StreamInfo create(JetStreamManagement jsm, StreamSettings settings) throws IOException {
        StreamConfiguration config = StreamConfiguration.builder()
                .name(settings.stream())
                .subjects(settings.subject())
                .storageType(StorageType.File)
                .replicas(settings.replicas())
                .build();
        try {
            return jsm.addStream(config);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NAME_IN_USE) {
                try {
                    return jsm.getStreamInfo(settings.stream()); // another process made it first
                } catch (JetStreamApiException again) {
                    e.addSuppressed(again);
                }
            }
            throw new ConduitException("cannot create stream " + settings.stream() + " with replicas="
                    + settings.replicas()
                    + " (a stream of N replicas needs a cluster of at least N JetStream servers): "
                    + e.getMessage());
        }
    }

    /**
     * Puts the reader's durable consumer at the reader's stored position, or at {@code from} for a reader that has
     * none, and returns the stream sequence it delivers next. The consumer is made anew at its ack floor each time, so
     * that what the last channel was sent but never delivered comes again at once and in order, not after an ack
     * timeout.
     */
    static long reader(JetStreamManagement jsm, StreamSettings settings) throws IOException {
        String stream = settings.stream();
        String reader = settings.reader();
        ConsumerConfiguration.Builder b = ConsumerConfiguration.builder()
                .durable(reader)
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(ACK_WAIT)
                .maxAckPending(MAX_ACK_PENDING)
                .maxDeliver(-1)
                .filterSubject(settings.subject());
        try {
            ConsumerInfo existing = existing(jsm, stream, reader);
            if (existing != null) {
                if (existing.getConsumerConfiguration().getDeliverSubject() != null) {
                    throw new ConduitException("consumer " + reader + " of stream " + stream + " is a push consumer;"
                            + " a Conduit reader is a pull consumer of its own: pick another reader name");
                }
                long next = position(existing);
                jsm.deleteConsumer(stream, reader);
                b.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(next);
            } else {
                b.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(start(jsm, settings));
            }
            return position(jsm.addOrUpdateConsumer(stream, b.build()));
        } catch (JetStreamApiException e) {
            throw new ConduitException(
                    "cannot set up reader '" + reader + "' of stream " + stream + ": " + e.getMessage());
        }
    }

    private static @Nullable ConsumerInfo existing(JetStreamManagement jsm, String stream, String reader)
            throws IOException, JetStreamApiException {
        try {
            return jsm.getConsumerInfo(stream, reader);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /**
     * A reader's stored position: the stream sequence its consumer delivers next once all it was sent is forgotten.
     * Every consumer Conduit makes starts at an explicit sequence, so the position is the later of that start and the
     * message after the ack floor (a consumer that has acked nothing may report a floor of 0).
     */
    static long position(ConsumerInfo consumer) {
        return Math.max(
                consumer.getAckFloor().getStreamSequence() + 1,
                consumer.getConsumerConfiguration().getStartSequence());
    }

    /** Where a reader without a stored position starts, as a stream sequence: {@code from} made exact now. */
    private static long start(JetStreamManagement jsm, StreamSettings settings)
            throws IOException, JetStreamApiException {
        return switch (settings.from()) {
            case "start" ->
                Math.max(
                        1, jsm.getStreamInfo(settings.stream()).getStreamState().getFirstSequence());
            case "end" -> jsm.getStreamInfo(settings.stream()).getStreamState().getLastSequence() + 1;
            default -> Math.max(1, Long.parseLong(settings.from()));
        };
    }

    /** Whether NATS subject pattern {@code pattern} ({@code *} one token, {@code >} the rest) takes {@code subject}. */
    static boolean matches(String pattern, String subject) {
        String[] p = pattern.split("\\.", -1);
        String[] s = subject.split("\\.", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length || !(p[i].equals("*") || p[i].equals(s[i]))) {
                return false;
            }
        }
        return p.length == s.length;
    }
}
