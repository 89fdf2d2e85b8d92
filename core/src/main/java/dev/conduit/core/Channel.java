package dev.conduit.core;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A connected, ordered, bidirectional message endpoint: the same API over every transport.
 *
 * <h2>Sending</h2>
 * {@link #send} encodes the message on the calling thread and returns a future that completes when the transport
 * has taken the message (written to the socket, ring or peer), or fails if it could not. Sends from several threads
 * are safe; each message arrives whole.
 *
 * <h2>Backpressure</h2>
 * Bytes that the transport has not yet taken count as pending. Above the {@code highWater} option the channel turns
 * unwritable ({@link #isWritable()}); below {@code lowWater} it turns writable again ({@link #whenWritable()}).
 * Pending bytes are bounded by {@code sendLimit}: a send beyond it fails with {@link BackpressureException} at once
 * instead of buffering without limit. On the receiving side, once {@code receiveBuffer} bytes wait for the
 * application, the channel stops reading from the transport until the application catches up.
 *
 * <h2>Receiving</h2>
 * Either push, with {@link #onMessage(MessageHandler)}, or pull, with {@link #receive(Duration)}; not both. Until a
 * handler is set, messages wait for {@code receive}. Messages are delivered in order and never concurrently.
 *
 * <h2>Closing</h2>
 * {@link #close()} is idempotent. {@link #closeFuture()} completes when the transport has released everything, with
 * the {@link CloseReason}: local, by the peer, or an error.
 *
 * <p>All methods are thread-safe. The blocking methods ({@link #receive}, {@link #awaitWritable}) hold no monitor
 * while they wait, so they suit virtual threads. Futures complete on transport threads: use the {@code *Async}
 * variants of {@link CompletableFuture} for work that blocks.
 *
 * @param <T> the message type
 */
public interface Channel<T> extends AutoCloseable {

    /**
     * The executor that runs a handler on the transport's own thread, as the message arrives: the lowest latency,
     * and no allocation per message, for handlers that never block. Pass it to {@link #onMessage(MessageHandler,
     * Executor)}.
     */
    Executor DIRECT = Runnable::run;

    /** This side's endpoint, for example the local port. */
    Endpoint localEndpoint();

    /** The peer's endpoint, as this side sees it. */
    Endpoint remoteEndpoint();

    /**
     * Sends a message.
     *
     * @return a future that completes when the transport has taken the message, or fails with {@link
     *     ChannelClosedException}, {@link BackpressureException}, {@link FrameTooLargeException} or {@link
     *     CodecException}
     */
    CompletableFuture<Void> send(T message);

    /**
     * Sends a message without a future, for hot paths where a future per message costs too much: in steady state this
     * allocates nothing beyond what the codec does. Backpressure is a return value, not an exception.
     *
     * @return {@code true} if the message was handed to the transport; {@code false} if nothing was sent because
     *     {@code sendLimit} bytes are already pending (wait for {@link #whenWritable()} and offer again)
     * @throws ChannelClosedException if the channel is closed
     * @throws FrameTooLargeException if the encoded message exceeds {@code maxFrame}
     * @throws CodecException if the codec fails
     * @throws FramingException if the framing cannot carry the message (a newline with line framing)
     */
    boolean offer(T message);

    /**
     * Switches the channel to push mode: {@code handler} receives every message, starting with any that were
     * waiting, on the runtime's handler threads. Can be called once.
     *
     * @throws IllegalStateException if a handler is already set
     */
    void onMessage(MessageHandler<T> handler);

    /**
     * Like {@link #onMessage(MessageHandler)}, on {@code executor}. Pass {@link #DIRECT} to run the handler on the
     * transport's I/O thread: lowest latency, for handlers that never block.
     */
    void onMessage(MessageHandler<T> handler, Executor executor);

    /**
     * Waits for the next message.
     *
     * @return the message, or {@code null} if none arrived within {@code timeout}
     * @throws ChannelClosedException if the channel is closed and every message that arrived has been received
     * @throws IllegalStateException if the channel is in push mode
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    @Nullable
    T receive(Duration timeout) throws InterruptedException;

    /**
     * Delivers, on the calling thread, messages that have already arrived, if this channel is in push mode ({@link
     * #onMessage}) and its transport can read on the caller's thread while no other thread reads it (see {@link
     * dev.conduit.core.spi.Link#readNow}; a transport that cannot always returns {@code false}); returns whether it
     * delivered any. Each message goes to the handler as it
     * would from the transport's thread: one at a time, in order, and on the handler's executor (a {@link #DIRECT}
     * handler runs here). For a thread that waits for what a message will bring, such as a blocking call waiting for
     * its response: reading here saves the hand-over from the transport's thread and its wake-up.
     *
     * <p>Between calls the transport still delivers what nobody waits for, taking the reading back when it must. Call
     * {@link #stopDeliveringHere()} before the thread sleeps. Never call it from a handler (its delivery is already
     * running). Any other thread.
     */
    default boolean deliverHere() {
        return false;
    }

    /**
     * No thread will call {@link #deliverHere()} for a while (it is about to sleep): the transport's own thread reads
     * again at once. Any thread.
     */
    default void stopDeliveringHere() {}

    /** Whether pending outbound bytes are below the high-water mark. */
    boolean isWritable();

    /** A future that completes when the channel is writable (at once if it is), or fails when it closes. */
    CompletableFuture<Void> whenWritable();

    /**
     * Waits until the channel is writable.
     *
     * @return {@code true} if writable, {@code false} if {@code timeout} passed first
     * @throws ChannelClosedException if the channel closes while waiting
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    boolean awaitWritable(Duration timeout) throws InterruptedException;

    /** Bytes sent but not yet taken by the transport. */
    long pendingBytes();

    /** Whether the channel is open: not closed by either side and not failed. */
    boolean isOpen();

    /** A transport-specific fact about this channel, such as a peer certificate, if the transport knows it. */
    <V> Optional<V> property(Property<V> key);

    /**
     * Completes once the channel is closed and its transport resources are released, with the reason. The first
     * reason wins: a channel closed locally and then reset by the peer reports {@link CloseReason#LOCAL}.
     */
    CompletableFuture<CloseReason> closeFuture();

    /** How the channel closed, or {@code null} while it is open. */
    @Nullable
    CloseReason closeReason();

    /**
     * Closes the channel. Sends not yet taken by the transport fail with {@link ChannelClosedException}; messages not
     * yet delivered are dropped. Idempotent; does not wait (see {@link #closeFuture()}).
     */
    @Override
    void close();
}
