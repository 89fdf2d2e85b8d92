package dev.conduit.core.spi;

import dev.conduit.core.Codec;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Property;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * One connection of a transport, as the runtime sees it: a pipe for frames in both directions. Thread-safe: the
 * runtime calls {@link #write} from any thread, possibly several at once.
 */
public interface Link {

    /** This side's endpoint. */
    Endpoint localEndpoint();

    /** The peer's endpoint. */
    Endpoint remoteEndpoint();

    /**
     * Bytes the runtime reserves in front of each payload it passes to {@link #write}, so that a stream transport
     * can write its frame header in place (4 for length-prefixed framing). Constant for the link's life.
     */
    default int headroom() {
        return 0;
    }

    /**
     * Writes one frame. {@code frame}'s readable bytes are the payload; {@link #headroom()} bytes before its reader
     * index are free for a header. The link takes ownership of {@code frame} (and releases it) and calls {@code
     * callback} exactly once, even if the link is closed. A link that is done with the frame should release it
     * before calling {@code callback}: the runtime may hold a reference of its own and reuses the buffer when the
     * callback finds that reference the last one.
     */
    void write(ByteBuf frame, WriteCallback callback);

    /**
     * The fast path the runtime tries before {@link #write}: copies {@code frame}'s readable bytes into the
     * transport at once if that needs no waiting and no earlier write of this link is still waiting, and returns
     * whether it did. Unlike {@link #write}, the caller keeps ownership of {@code frame} either way, and there is no
     * callback: {@code true} means the frame was taken, exactly as a successful {@code write} would have taken it.
     * Any thread. A transport that cannot copy synchronously keeps the default, which returns {@code false}.
     */
    default boolean writeNow(ByteBuf frame) {
        return false;
    }

    /**
     * Whether this link can hand messages to a channel in this process as objects ({@link #writeObject}), skipping
     * their encoding; constant for the link's life. Only a transport whose two ends share a JVM (inproc) says yes.
     */
    default boolean carriesObjects() {
        return false;
    }

    /**
     * The codec of the channel at the other end once it is bound ({@link LinkListener#codec}), if this link {@link
     * #carriesObjects}; else null. The runtime passes a message as an object only to a codec of its own codec's class
     * that makes copies ({@link Codec#copyFor}).
     */
    default @Nullable Codec<?> peerCodec() {
        return null;
    }

    /**
     * {@link #writeNow} for a message object made by {@link Codec#copyFor} for {@link #peerCodec}:
     * hands it to the peer's {@link LinkListener#onObject} at once if that needs no waiting and nothing written earlier
     * still waits, and returns whether it did.
     */
    default boolean writeObjectNow(Object message) {
        return false;
    }

    /**
     * {@link #write} for a message object made by {@link Codec#copyFor} for {@link #peerCodec}: in
     * order with the frames written here, delivered through the peer's {@link LinkListener#onObject}; {@code callback}
     * is called exactly once. Only on a link that {@link #carriesObjects}.
     */
    default void writeObject(Object message, WriteCallback callback) {
        throw new UnsupportedOperationException(this + " carries no message objects");
    }

    /**
     * The fast path of a thread that waits in {@code receive}: delivers frames that have already arrived, through the
     * {@link LinkListener} and on the calling thread, if the transport can read them without blocking and no other
     * thread is reading this link just now, and returns whether it delivered any. The listener's calls stay one at a
     * time and in order, as ever: for the length of this call the caller is the transport's reading thread. Any
     * thread. A transport whose own thread must do the reading keeps the default, which returns {@code false}.
     *
     * <p>A transport may leave the reading to waiting threads from one call to the next, and even after they got
     * their message (request-reply calls again soon), as long as frames that nobody waits for still reach the
     * listener in good time. The runtime calls {@link #endReadNow} when no thread will call this for a while.
     */
    default boolean readNow() {
        return false;
    }

    /**
     * No thread will call {@link #readNow} for a while (a receiver goes to sleep, or the channel now delivers to a
     * handler): frames must reach the listener without it. Any thread.
     */
    default void endReadNow() {}

    /**
     * Whether the runtime must call {@link #delivered} for every message it delivers: a transport that remembers
     * what a reader has consumed (a durable queue's named reader) returns true, so that it can advance its stored
     * position only once the application has the message. Read once, when the link is attached.
     */
    default boolean reportsDelivery() {
        return false;
    }

    /**
     * The application has the oldest frame that this link passed to {@link LinkListener#onFrame} and that was not
     * reported yet: a handler returned from it, or {@code receive} returned it. Called only if {@link
     * #reportsDelivery()}, once per such frame and in delivery order, from the thread that delivered it (several
     * threads may call it when several threads receive). Frames that never reached the application (a handler that
     * threw, a codec that failed, messages dropped by a local close) are not reported.
     */
    default void delivered() {}

    /**
     * Why this link never delivers frames (it can only send), or null if it can receive: {@code receive} and {@code
     * onMessage} then fail at once with this explanation instead of waiting for messages that cannot come.
     */
    default @Nullable String receiveRefusal() {
        return null;
    }

    /**
     * Closes the link because this side refused what the peer sent: {@code why} is a {@link
     * dev.conduit.core.FrameTooLargeException} (a frame over {@code maxFrame}), another {@link
     * dev.conduit.core.FramingException} or a {@link dev.conduit.core.CodecException}. A transport that can tell the
     * peer (it has a side channel, as inproc and shm do) passes the reason on, so that the peer's channel closes with
     * {@link dev.conduit.core.CloseReason#refusedByPeer}; the default just closes.
     */
    default void refuse(Throwable why) {
        close();
    }

    /** Stops ({@code true}) or resumes ({@code false}) reading from the peer. Any thread; idempotent. */
    void setReadPaused(boolean paused);

    /**
     * Closes the link: stops reading, fails writes not yet taken, releases resources, then calls {@link
     * LinkListener#onClosed}. Idempotent; may return before the close completes.
     */
    void close();

    /** A transport-specific fact about the link, or null if the transport does not know it. */
    default <V> @Nullable V property(Property<V> key) {
        return null;
    }
}
