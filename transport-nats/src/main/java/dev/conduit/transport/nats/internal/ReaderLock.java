package dev.conduit.transport.nats.internal;

import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One channel at a time reads with a named reader of a stream, in every process: the channel that reads holds a
 * subscription on {@code _CONDUIT.R.<stream>.<reader>} and answers who it is; a channel about to take the reader asks
 * first and is refused if anyone answers. The subscription ends with the channel, or with its process's connection
 * (a killed process frees its readers as soon as the NATS server notices the connection gone).
 *
 * <p>Two channels that ask within the same few milliseconds may both find the reader free; the lock keeps honest
 * applications from reading twice by mistake, it is not a fence against a race.
 *
 * <p>Thread-safe.
 */
final class ReaderLock {
    private final NatsClient client;
    private final Subscription subscription;

    private ReaderLock(NatsClient client, Subscription subscription) {
        this.client = client;
        this.subscription = subscription;
    }

    /**
     * Takes {@code reader} of {@code stream}, or fails naming who holds it.
     *
     * @throws ConnectFailedException if another channel reads with it now
     */
    static ReaderLock take(NatsClient client, Endpoint endpoint, String stream, String reader, Duration timeout) {
        String subject = "_CONDUIT.R." + stream + "." + reader;
        String holder = holder(client, subject, timeout);
        if (holder != null) {
            throw new ConnectFailedException(
                    endpoint.toString(),
                    "reader '" + reader + "' of stream " + stream + " is in use by " + holder
                            + "; one channel reads with a reader at a time (close it, or pick another reader name)",
                    null);
        }
        String me = "runtime " + client.context().runtimeName() + " of pid "
                + ProcessHandle.current().pid();
        byte[] answer = me.getBytes(StandardCharsets.UTF_8);
        Subscription sub = client.subscribe(subject, null, m -> {
            if (m.getReplyTo() != null) {
                client.publish(m.getReplyTo(), null, answer);
            }
        });
        ReaderLock lock = new ReaderLock(client, sub);
        try {
            client.flush(timeout);
        } catch (RuntimeException e) {
            lock.release();
            throw e;
        }
        return lock;
    }

    /** Who answers on {@code subject}, or null if nobody does. */
    private static String holder(NatsClient client, String subject, Duration timeout) {
        try {
            Message m = client.connection().request(subject, null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return m == null || m.isStatusMessage() ? null : new String(m.getData(), StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking whether the reader is in use", e);
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            return null; // no responders (or none in time): nobody holds it
        }
    }

    /** Lets the reader go. Idempotent. */
    void release() {
        client.unsubscribe(subscription);
    }
}
