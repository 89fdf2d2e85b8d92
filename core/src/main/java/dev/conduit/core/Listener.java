package dev.conduit.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Accepts channels on an endpoint. Created by {@link Conduit#listen}; accepted channels are either handed to the
 * callback given there, or wait for {@link #accept(Duration)}.
 *
 * <p>Closing a listener stops accepting and closes every channel it accepted; for socket files it also removes the
 * file. {@link #stopAccepting()} does the first part only. Thread-safe.
 *
 * @param <T> the message type of accepted channels
 */
public interface Listener<T> extends AutoCloseable {

    /**
     * The endpoint actually bound, in a form a client can connect to: a port of 0 is replaced by the real port.
     */
    Endpoint endpoint();

    /**
     * Waits for the next accepted channel (pull mode, when no accept callback was given).
     *
     * @return the channel, or {@code null} if none arrived within {@code timeout}
     * @throws IllegalStateException if the listener was created with an accept callback
     * @throws ChannelClosedException if the listener is closed
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    @Nullable
    Channel<T> accept(Duration timeout) throws InterruptedException;

    /** The channels accepted and still open. */
    List<Channel<T>> channels();

    /**
     * A transport-specific fact about this listener or a handle it offers, such as the multicast group membership of
     * a UDP listener, if the transport knows it.
     */
    default <V> Optional<V> property(Property<V> key) {
        return Optional.empty();
    }

    /** Whether the listener still accepts: neither {@link #stopAccepting()} nor {@link #close()} was called. */
    boolean isOpen();

    /**
     * Stops accepting and releases the listening endpoint at once (its port, socket file or name), leaving the
     * channels already accepted open: the first step of a graceful shutdown, so that a process that drains for a
     * while neither takes new peers nor keeps its address. {@link #close()} later closes those channels too.
     * Idempotent. (On {@code udp://}, whose channels share the listener's socket, they close with it.)
     */
    void stopAccepting();

    /** Completes when the listener and all its channels are closed. */
    CompletableFuture<Void> closeFuture();

    /** Stops accepting and closes every accepted channel. Idempotent; does not wait (see {@link #closeFuture()}). */
    @Override
    void close();
}
