package dev.conduit.core.internal.inproc;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codec;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end of an in-memory connection. Frames written here are queued at the peer end and delivered to the peer's
 * listener by whichever thread gets there first (the writer, or the reader resuming): a lock-free drain guarded by
 * {@link #wip}, so delivery is serial and in order, and no lock is held while the listener runs. When nothing is
 * queued there and nobody is delivering, {@link #writeNow} hands the frame to the peer's listener at once, on the
 * writing thread, without a queue entry or a write callback. Between two channels whose codecs make copies ({@link
 * Codec#copyFor}), messages pass as objects the same ways, without being encoded.
 *
 * <p>A write completes when the peer's runtime has taken the frame, so a paused reader backs the writer up.
 */
final class InprocLink implements Link {
    private static final Logger log = LoggerFactory.getLogger(InprocLink.class);

    /** A frame ({@code frame}) or a message object ({@code message}, when {@code frame} is null) waiting at the peer. */
    private record Pending(
            @Nullable ByteBuf frame, @Nullable Object message, WriteCallback callback) {}

    private final Endpoint local;
    private final Endpoint remote;
    private InprocLink peer;
    private volatile @Nullable LinkListener listener;
    private final ConcurrentLinkedQueue<Pending> inbound = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean paused;
    private volatile boolean closeRequested;
    private volatile boolean peerGone;
    /** Why the peer closed, if it refused what this end sent; set before {@link #peerGone}. */
    private volatile @Nullable String peerRefused;
    /** Guarded by ownership of {@link #wip}. */
    private boolean closeDelivered;

    InprocLink(Endpoint local, Endpoint remote, ByteBufAllocator allocator) {
        this.local = local;
        this.remote = remote;
    }

    void connect(InprocLink other) {
        this.peer = other;
        other.peer = this;
    }

    void bind(LinkListener l) {
        this.listener = l;
        drain();
    }

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return remote;
    }

    @Override
    public void write(ByteBuf frame, WriteCallback callback) {
        if (closeRequested) {
            frame.release();
            callback.writeComplete(new ChannelClosedException(CloseReason.LOCAL));
            return;
        }
        peer.inbound.add(new Pending(frame, null, callback));
        peer.drain();
    }

    @Override
    public boolean carriesObjects() {
        return true;
    }

    @Override
    public @Nullable Codec<?> peerCodec() {
        LinkListener l = peer.listener;
        return l == null ? null : l.codec();
    }

    @Override
    public void writeObject(Object message, WriteCallback callback) {
        if (closeRequested) {
            callback.writeComplete(new ChannelClosedException(CloseReason.LOCAL));
            return;
        }
        peer.inbound.add(new Pending(null, message, callback));
        peer.drain();
    }

    @Override
    public boolean writeObjectNow(Object message) {
        return deliverNow(null, message);
    }

    /**
     * Delivers the frame to the peer's listener on this thread, without queueing it, when nothing is queued at the
     * peer and no other thread is delivering there: the same delivery {@link #write} would make through the peer's
     * drain, without the queue entry and the write callback. The listener reads the frame during the call only, as
     * from {@link #write}; the caller keeps the buffer.
     */
    @Override
    public boolean writeNow(ByteBuf frame) {
        return deliverNow(frame, null);
    }

    /** {@link #writeNow} of a frame, or of a message object when {@code frame} is null. */
    private boolean deliverNow(@Nullable ByteBuf frame, @Nullable Object message) {
        InprocLink to = peer;
        if (closeRequested || !to.inbound.isEmpty() || !to.wip.compareAndSet(0, 1)) {
            return false;
        }
        LinkListener l = to.listener;
        boolean taken = l != null && !to.paused && !to.closeRequested && !to.closeDelivered && to.inbound.isEmpty();
        if (taken) {
            to.hand(l, frame, message);
        }
        to.drainLoop(1); // what arrived meanwhile, or a close; then lets go of the peer's delivery
        return taken;
    }

    @Override
    public void setReadPaused(boolean pause) {
        paused = pause;
        if (!pause) {
            drain();
        }
    }

    @Override
    public void close() {
        if (!closeRequested) {
            closeRequested = true;
            drain();
            peer.peerGone = true;
            peer.drain();
        }
    }

    @Override
    public void refuse(Throwable why) {
        peer.peerRefused = String.valueOf(why.getMessage());
        close();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        drainLoop(1);
    }

    /** Delivers while there is work, then lets go of {@link #wip}, which the caller holds {@code missed} times. */
    private void drainLoop(int missed) {
        do {
            LinkListener l = listener;
            if (closeDelivered) {
                failAll();
            } else if (l != null) {
                if (closeRequested) {
                    failAll();
                    deliverClose(l, CloseReason.LOCAL);
                } else {
                    Pending p;
                    while (!paused && !closeRequested && (p = inbound.poll()) != null) {
                        deliver(l, p);
                    }
                    if (!closeRequested && peerGone && inbound.isEmpty()) {
                        String refused = peerRefused;
                        deliverClose(l, refused == null ? CloseReason.PEER : CloseReason.refusedByPeer(refused));
                    }
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void deliver(LinkListener l, Pending p) {
        ByteBuf frame = p.frame;
        try {
            hand(l, frame, p.message);
        } finally {
            if (frame != null) {
                frame.release();
            }
        }
        p.callback.writeComplete(null);
    }

    /**
     * Gives this end's listener a frame, or a message object when {@code frame} is null; a listener that throws closes
     * this end. The caller holds {@link #wip}.
     */
    private void hand(LinkListener l, @Nullable ByteBuf frame, @Nullable Object message) {
        try {
            if (frame != null) {
                l.onFrame(view(frame));
            } else {
                l.onObject(Objects.requireNonNull(message));
            }
        } catch (RuntimeException e) {
            log.error("link listener failed on {}; closing {}", frame != null ? "a frame" : "a message", this, e);
            closeRequested = true;
        }
    }

    /**
     * The frame's readable bytes for the listener, which reads them during its call only: the buffer's own NIO view
     * where it has one (no object made per frame), else a new one.
     */
    private static java.nio.ByteBuffer view(ByteBuf frame) {
        return frame.nioBufferCount() == 1
                ? frame.internalNioBuffer(frame.readerIndex(), frame.readableBytes())
                : frame.nioBuffer();
    }

    private void deliverClose(LinkListener l, CloseReason reason) {
        closeDelivered = true;
        if (!peerGone) {
            peer.peerGone = true;
            peer.drain();
        }
        l.onClosed(reason);
    }

    private void failAll() {
        Pending p;
        while ((p = inbound.poll()) != null) {
            if (p.frame != null) {
                p.frame.release();
            }
            p.callback.writeComplete(new ChannelClosedException(CloseReason.PEER));
        }
    }

    @Override
    public String toString() {
        return "inproc(" + local + " <-> " + remote + ")";
    }
}
