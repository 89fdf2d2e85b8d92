package dev.conduit.core.internal;

import dev.conduit.core.Codec;
import dev.conduit.core.CodecException;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.Framing;
import dev.conduit.core.spi.StreamFramer;
import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A channel's outbound frame buffers: encodes messages into pooled buffers and takes them back once written, so that
 * sending allocates nothing per message on any thread (Netty's recycler pools only on Netty's own threads). See
 * "Sending without garbage" in {@code core/CONCURRENCY.md}.
 *
 * <p>Threads and guards (its row of the guard table): senders take spares and write callbacks return them,
 * concurrently, without the channel's lock. The spare slot ({@link #hotFrame}) is one atomic each way, on cache lines
 * of its own; the spare queue is an {@link ArrayBlockingQueue} made on first use, bounded in count and, through the
 * {@link AtomicInteger} {@link #spareBytes}, in bytes. {@link #closed} is volatile: once set, a buffer given back is
 * released, not kept, so no pooled buffer outlives the channel.
 */
final class FramePool<T> {
    /** Encoded-frame buffers a channel keeps for reuse, at most. */
    private static final int FRAME_POOL = 1024;
    /**
     * Bytes of buffer capacity a channel keeps for reuse while it sends, at most: about what the default high
     * watermark lets be in flight.
     */
    private static final int FRAME_POOL_BYTES = 64 << 10;
    /** Bytes of spare capacity a channel keeps once everything it sent has been written: enough for request-reply. */
    private static final int FRAME_POOL_IDLE_BYTES = 4 << 10;
    /**
     * The largest frame buffer kept in the spare queue (headroom included); larger ones go back to the allocator,
     * except one in the spare slot ({@link #HOT_FRAME_MAX_CAPACITY}).
     */
    private static final int FRAME_POOL_MAX_CAPACITY = 16 << 10;
    /**
     * The largest buffer the single spare slot ({@link #hotFrame}) keeps. One above {@link #FRAME_POOL_IDLE_BYTES}
     * is let go by the runtime's sweep within about a second ({@link RuntimeSupport#sweepLargeSparesSoon}), so a
     * channel that sends large messages reuses one buffer while it sends and holds none once it stops.
     */
    private static final int HOT_FRAME_MAX_CAPACITY = 1 << 20;

    private final RuntimeSupport runtime;
    private final Codec<T> codec;
    private final ChannelSettings settings;
    /** The link's headroom; set once, by {@link #attach}, before anything is sent. */
    private int headroom;

    /**
     * Idle frame buffers, each holding the one reference this channel keeps. Netty's allocator recycles its buffer
     * objects only for Netty's own threads, so a message sent from any other thread would otherwise leave a buffer
     * object and its reference count behind as garbage. See {@link #recycle}.
     */
    private final AtomicReference<@Nullable ArrayBlockingQueue<ByteBuf>> spareFrames = new AtomicReference<>();
    /**
     * One spare frame buffer outside {@link #spareFrames}, taken and given back with a single atomic each: what a
     * message written at once through {@code Link.writeNow} uses, so that request-reply never touches the queue.
     * Padded: senders write it for every message, and the transport's thread reads the channel's other fields.
     */
    private final PaddedReference<ByteBuf> hotFrame = new PaddedReference<>();
    /** Capacity of the buffers in {@link #spareFrames}, bounded by {@link #FRAME_POOL_BYTES}. */
    private final AtomicInteger spareBytes = new AtomicInteger();
    /** Set once the link has closed: spare frames are released, not kept. */
    private volatile boolean closed;

    FramePool(RuntimeSupport runtime, Codec<T> codec, ChannelSettings settings) {
        this.runtime = runtime;
        this.codec = codec;
        this.settings = settings;
    }

    void attach(int linkHeadroom) {
        this.headroom = linkHeadroom;
    }

    /**
     * Encodes into a pooled buffer with the link's headroom, checking {@code maxFrame} and what the framing can carry.
     * The caller owns the returned buffer.
     */
    ByteBuf encode(T message) {
        int hint = headroom + Math.max(0, codec.sizeHint(message));
        ByteBuf spare =
                hint <= FRAME_POOL_MAX_CAPACITY ? takeSpare() : hint <= HOT_FRAME_MAX_CAPACITY ? takeHot() : null;
        ByteBuf buf = spare != null ? spare : runtime.allocator().ioBuffer(hint);
        boolean ok = false;
        try {
            buf.setIndex(headroom, headroom);
            ByteBufWriteBuffer out = ByteBufWriteBuffer.borrow(buf);
            try {
                codec.encode(message, out);
            } catch (RuntimeException e) {
                throw new CodecException("codec " + codec + " cannot encode " + describe(message) + ": " + e, e);
            } finally {
                ByteBufWriteBuffer.giveBack(out);
            }
            int size = buf.readableBytes();
            if (size > settings.maxFrame()) {
                throw new FrameTooLargeException(size, settings.maxFrame(), "message");
            }
            if (settings.framing() == Framing.LINE) {
                StreamFramer.checkLine(buf);
            }
            ok = true;
            return buf;
        } finally {
            if (!ok) {
                buf.release();
            }
        }
    }

    private static String describe(Object message) {
        return "a " + message.getClass().getSimpleName();
    }

    /**
     * Keeps a reference to a frame about to be written if it is small enough to reuse: the transport releases its
     * reference when it has taken the frame, and the write's callback hands this one to {@link #recycle}.
     */
    @Nullable
    ByteBuf keep(ByteBuf frame) {
        if (frame.capacity() > HOT_FRAME_MAX_CAPACITY || closed) {
            return null;
        }
        frame.retain();
        return frame;
    }

    /**
     * Takes back a frame kept by {@link #keep} once its write is complete. It is reused only if this channel's is
     * the last reference: a transport that still held the frame when it called back (none does today; the SPI asks
     * them to release first) keeps it alive, and releasing this reference then leaves the frame to that transport.
     */
    void recycle(ByteBuf frame) {
        int capacity = frame.capacity();
        if (frame.refCnt() != 1 || capacity > HOT_FRAME_MAX_CAPACITY) {
            frame.release();
            return;
        }
        if (hotFrame.compareAndSet(null, frame)) {
            if (capacity > FRAME_POOL_IDLE_BYTES) {
                // More than an idle channel keeps: the runtime's sweep lets it go once this channel stops sending.
                runtime.sweepLargeSparesSoon();
            }
        } else if (capacity > FRAME_POOL_MAX_CAPACITY
                || spareBytes.addAndGet(capacity) > FRAME_POOL_BYTES
                || !spares().offer(frame)) {
            if (capacity <= FRAME_POOL_MAX_CAPACITY) {
                spareBytes.addAndGet(-capacity);
            }
            frame.release();
            return;
        }
        if (closed) {
            releaseAll(); // raced with the link's close: nothing may stay pooled after it
        }
    }

    /** Everything sent has been written: spares beyond what request-reply needs go back to the allocator. */
    void trimIfLarge() {
        if (spareBytes.get() > FRAME_POOL_IDLE_BYTES) {
            ByteBuf b;
            while (spareBytes.get() > FRAME_POOL_IDLE_BYTES && (b = takeQueuedSpare()) != null) {
                b.release();
            }
        }
    }

    /**
     * The runtime's sweep: lets go of a spare larger than what an idle channel keeps. A channel still sending large
     * messages allocates one buffer again, once per sweep.
     */
    void releaseLargeSpare() {
        ByteBuf b = hotFrame.get();
        if (b != null && b.capacity() > FRAME_POOL_IDLE_BYTES && (b = hotFrame.getAndSet(null)) != null) {
            if (b.capacity() > FRAME_POOL_IDLE_BYTES || !hotFrame.compareAndSet(null, b)) {
                b.release();
            } else if (closed) {
                releaseAll(); // raced with the link's close: nothing may stay pooled after it
            }
        }
    }

    /** The link has closed: from now on a buffer given back is released. Call {@link #releaseAll} after. */
    void markClosed() {
        closed = true;
    }

    /** Releases every spare. */
    void releaseAll() {
        ByteBuf b;
        while ((b = takeSpare()) != null) {
            b.release();
        }
    }

    private @Nullable ByteBuf takeSpare() {
        ByteBuf hot = takeHot();
        return hot != null ? hot : takeQueuedSpare();
    }

    private @Nullable ByteBuf takeHot() {
        return hotFrame.get() != null ? hotFrame.getAndSet(null) : null;
    }

    private @Nullable ByteBuf takeQueuedSpare() {
        ArrayBlockingQueue<ByteBuf> q = spareFrames.get();
        ByteBuf b = q == null ? null : q.poll();
        if (b != null) {
            spareBytes.addAndGet(-b.capacity());
        }
        return b;
    }

    /** The spare-frame queue, made on first use: a channel that never sends in bulk never pays for its array. */
    private ArrayBlockingQueue<ByteBuf> spares() {
        ArrayBlockingQueue<ByteBuf> q = spareFrames.get();
        if (q == null) {
            spareFrames.compareAndSet(null, new ArrayBlockingQueue<>(FRAME_POOL));
            q = Objects.requireNonNull(spareFrames.get());
        }
        return q;
    }
}
