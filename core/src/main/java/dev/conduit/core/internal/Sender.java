package dev.conduit.core.internal;

import dev.conduit.core.BackpressureException;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codec;
import dev.conduit.core.CodecException;
import dev.conduit.core.ConduitException;
import dev.conduit.core.Framing;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A channel's {@code send} and {@code offer}: encodes through the {@link FramePool}, hands the frame to the link (at
 * once through {@link Link#writeNow} when the link can), and counts it in the {@link SendWindow} until the link's
 * write completes.
 *
 * <p>Threads and guards (its row of the guard table): any number of senders at once, without the channel's lock. The
 * idle {@code offer} callbacks are an {@link ArrayBlockingQueue} made on first use. {@link #unansweredSend} (byte
 * streams only) is volatile and written only when it changes: senders set it, the transport's thread clears it; it is
 * a hint for a close's detail, not a guard.
 */
final class Sender<T> {
    /** Offer callbacks a channel keeps for reuse; more may be in flight, and are then allocated. */
    private static final int OFFER_POOL = 1024;

    private final DefaultChannel<T> channel;
    private final Codec<T> codec;
    private final FramePool<T> pool;
    private final SendWindow window;
    private final ChannelSettings settings;
    /** Null without a metrics hook: then the send path's only cost is this null check. */
    private final @Nullable TrafficCounters traffic;
    /** Set once, by {@link #attach}, before anything is sent. */
    private Link link;
    /** The link's {@link Link#carriesObjects()}, read once at attach. */
    private boolean linkCarriesObjects;
    /**
     * The peer's codec once the link has named one of this codec's class (a channel's codec never changes), so that
     * later sends skip asking; a racy cache, filled by whichever sender sees it first.
     */
    private @Nullable Codec<T> peerCodec;

    /** Idle offer callbacks; array-backed, so taking and returning one allocates nothing. */
    private final AtomicReference<@Nullable ArrayBlockingQueue<OfferOp>> offers = new AtomicReference<>();
    /**
     * On a byte stream: whether this side sent a message after the last one it received. A peer that refuses a frame
     * over its {@code maxFrame} can only drop the stream, so a drop in that state gets {@link
     * CloseReason#MAY_HAVE_REFUSED} as its detail. Written only when it changes.
     */
    private volatile boolean unansweredSend;

    Sender(
            DefaultChannel<T> channel,
            Codec<T> codec,
            FramePool<T> pool,
            SendWindow window,
            ChannelSettings settings,
            @Nullable TrafficCounters traffic) {
        this.channel = channel;
        this.codec = codec;
        this.traffic = traffic;
        this.pool = pool;
        this.window = window;
        this.settings = settings;
    }

    void attach(Link l) {
        this.link = l;
        this.linkCarriesObjects = l.carriesObjects();
    }

    /**
     * The copy of {@code message} made for the channel at the other end, if the link passes objects to it and its
     * codec (of this codec's class) takes copies; else null, and the message is encoded.
     *
     * @throws CodecException if the codec failed, as {@code encode} would
     */
    @SuppressWarnings("unchecked")
    private @Nullable T copyForPeer(T message) {
        if (!linkCarriesObjects) {
            return null;
        }
        Codec<T> peer = peerCodec;
        if (peer == null) {
            Codec<?> named = link.peerCodec();
            if (named == null || named.getClass() != codec.getClass()) {
                return null;
            }
            peer = (Codec<T>) named;
            peerCodec = peer;
        }
        try {
            return codec.copyFor(peer, message);
        } catch (RuntimeException e) {
            throw new CodecException(
                    "codec " + codec + " cannot copy a " + message.getClass().getSimpleName() + ": " + e, e);
        }
    }

    private int copySize(T message) {
        return Math.max(0, codec.sizeHint(message));
    }

    CompletableFuture<Void> send(T message) {
        Objects.requireNonNull(message, "message");
        CloseReason r = channel.reason;
        if (r != null) {
            return CompletableFuture.failedFuture(new ChannelClosedException(r));
        }
        noteSend();
        ByteBuf buf;
        try {
            T copy = copyForPeer(message);
            if (copy != null) {
                return sendCopy(copy, copySize(message));
            }
            buf = pool.encode(message);
        } catch (ConduitException e) {
            return CompletableFuture.failedFuture(e);
        }
        int size = buf.readableBytes();
        count(size); // before the peer can have it: an in-process peer may answer within writeNow
        if (link.writeNow(buf)) {
            pool.recycle(buf);
            return CompletableFuture.completedFuture(null);
        }
        if (!window.reserve(size)) {
            uncount(size);
            buf.release();
            return CompletableFuture.failedFuture(
                    new BackpressureException(window.pendingBytes(), settings.sendLimit()));
        }
        SendOp op = new SendOp(this, size, pool.keep(buf));
        write(buf, op, op.frame);
        return op;
    }

    boolean offer(T message) {
        Objects.requireNonNull(message, "message");
        CloseReason r = channel.reason;
        if (r != null) {
            throw new ChannelClosedException(r);
        }
        noteSend();
        T copy = copyForPeer(message);
        if (copy != null) {
            return offerCopy(copy, copySize(message));
        }
        ByteBuf buf = pool.encode(message);
        int size = buf.readableBytes();
        count(size); // before the peer can have it: an in-process peer may answer within writeNow
        if (link.writeNow(buf)) {
            // Taken at once: nothing pending, no callback, and the buffer is free for the next message.
            pool.recycle(buf);
            return true;
        }
        if (!window.reserve(size)) {
            uncount(size);
            buf.release();
            return false;
        }
        OfferOp op = offerOp(size, pool.keep(buf));
        write(buf, op, op.frame);
        return true;
    }

    /** An idle offer callback for a message of {@code size} bytes whose kept frame is {@code frame}. */
    private OfferOp offerOp(int size, @Nullable ByteBuf frame) {
        ArrayBlockingQueue<OfferOp> idle = offers.get();
        OfferOp op = idle == null ? null : idle.poll();
        if (op == null) {
            op = new OfferOp(this);
        }
        op.size = size;
        op.frame = frame;
        return op;
    }

    private CompletableFuture<Void> sendCopy(T copy, int size) {
        count(size);
        if (link.writeObjectNow(copy)) {
            return CompletableFuture.completedFuture(null);
        }
        if (!window.reserve(size)) {
            uncount(size);
            return CompletableFuture.failedFuture(
                    new BackpressureException(window.pendingBytes(), settings.sendLimit()));
        }
        SendOp op = new SendOp(this, size, null);
        link.writeObject(copy, op);
        return op;
    }

    private boolean offerCopy(T copy, int size) {
        count(size);
        if (link.writeObjectNow(copy)) {
            return true;
        }
        if (!window.reserve(size)) {
            uncount(size);
            return false;
        }
        link.writeObject(copy, offerOp(size, null));
        return true;
    }

    private void count(int size) {
        TrafficCounters t = traffic;
        if (t != null) {
            t.sent(size);
        }
    }

    private void uncount(int size) {
        TrafficCounters t = traffic;
        if (t != null) {
            t.unsent(size);
        }
    }

    private void noteSend() {
        if (!unansweredSend && settings.framing() != Framing.NONE) {
            unansweredSend = true;
        }
    }

    /** A message arrived: what this side sent has been answered. The transport's thread. */
    void answered() {
        if (unansweredSend) {
            unansweredSend = false;
        }
    }

    /** Whether this side sent a message after the last one it received (byte streams only). */
    boolean unanswered() {
        return unansweredSend;
    }

    /** Hands a frame to the link; if the link throws instead of calling back, the kept reference is let go. */
    private void write(ByteBuf frame, WriteCallback callback, @Nullable ByteBuf kept) {
        try {
            link.write(frame, callback);
        } catch (RuntimeException | Error e) {
            if (kept != null) {
                kept.release();
            }
            throw e;
        }
    }

    /** The idle-callback queue, made on first use (by the first completed offer). */
    private ArrayBlockingQueue<OfferOp> offerPool() {
        ArrayBlockingQueue<OfferOp> q = offers.get();
        if (q == null) {
            offers.compareAndSet(null, new ArrayBlockingQueue<>(OFFER_POOL));
            q = Objects.requireNonNull(offers.get());
        }
        return q;
    }

    private Throwable sendError(Throwable error) {
        if (error instanceof ConduitException) {
            return error;
        }
        CloseReason r = channel.reason;
        return r != null
                ? new ChannelClosedException(r, error)
                : new ConduitException("send on " + channel + " failed: " + error, error);
    }

    /** The future of one send; also the transport's callback for it. */
    private static final class SendOp extends CompletableFuture<Void> implements WriteCallback {
        private final Sender<?> sender;
        private final int size;
        private final @Nullable ByteBuf frame;

        SendOp(Sender<?> sender, int size, @Nullable ByteBuf frame) {
            this.sender = sender;
            this.size = size;
            this.frame = frame;
        }

        @Override
        public void writeComplete(@Nullable Throwable error) {
            if (frame != null) {
                sender.pool.recycle(frame);
            }
            sender.window.released(size);
            if (error == null) {
                complete(null);
            } else {
                completeExceptionally(sender.sendError(error));
            }
        }
    }

    /**
     * The callback of one {@link #offer}, taken from and given back to its sender's pool so that the hot path
     * allocates nothing per message on any thread (Netty's recycler pools only on Netty's own threads).
     */
    private static final class OfferOp implements WriteCallback {
        private final Sender<?> sender;
        private int size;
        private @Nullable ByteBuf frame;

        OfferOp(Sender<?> sender) {
            this.sender = sender;
        }

        @Override
        public void writeComplete(@Nullable Throwable error) {
            Sender<?> s = sender;
            int n = size;
            ByteBuf f = frame;
            frame = null;
            s.offerPool().offer(this);
            if (f != null) {
                s.pool.recycle(f);
            }
            s.window.released(n);
            if (error != null && s.channel.reason == null) {
                // Nobody holds a future for this message: a transport failing an accepted write closes the channel.
                s.channel.closeOnError(error);
            }
        }
    }
}
