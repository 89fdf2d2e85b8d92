package dev.conduit.core.internal;

import dev.conduit.core.BackpressureException;
import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codec;
import dev.conduit.core.CodecException;
import dev.conduit.core.ConduitException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import dev.conduit.core.MessageHandler;
import dev.conduit.core.Property;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link Channel} implementation, over any transport's {@link Link}. See {@code core/CONCURRENCY.md} for the
 * threading design: one lock guards the inbound queue, handler state and close state; pending outbound bytes are an
 * atomic counter; the pause state of the link is applied by whoever holds {@link #pauseWip}.
 */
public final class DefaultChannel<T> implements Channel<T>, LinkListener {
    private static final Logger log = LoggerFactory.getLogger(DefaultChannel.class);

    /** Bytes charged per queued message beyond its size, so that empty messages still count. */
    private static final int MESSAGE_OVERHEAD = 32;
    /** Messages one drain run delivers before yielding its handler thread to other channels. */
    private static final int DRAIN_BATCH = 256;
    /** How long {@link Idle#BACKOFF} spins and yields before it blocks. */
    private static final long BACKOFF_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /** How much of {@link #BACKOFF_SPIN_NANOS} is a pure spin; the rest yields between looks. */
    private static final long BACKOFF_PURE_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(5);
    /** Offer callbacks a channel keeps for reuse; more may be in flight, and are then allocated. */
    private static final int OFFER_POOL = 1024;
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

    private static final VarHandle DRAIN_SCHEDULED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            DRAIN_SCHEDULED = lookup.findVarHandle(DefaultChannel.class, "drainScheduled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RuntimeSupport runtime;
    private final Codec<T> codec;
    private final ChannelSettings settings;
    private Link link;
    private int headroom;
    /** The link's {@link Link#reportsDelivery()}, read once at attach. */
    private boolean reportDelivery;
    /** The link's {@link Link#receiveRefusal()}, read once at attach: non-null for a link that can only send. */
    private @Nullable String receiveRefusal;

    private final AtomicLong pending = new AtomicLong();
    /** Idle offer callbacks; array-backed, so taking and returning one allocates nothing. */
    private final AtomicReference<@Nullable ArrayBlockingQueue<OfferOp>> offers = new AtomicReference<>();
    /**
     * Idle frame buffers, each holding the one reference this channel keeps. Netty's allocator recycles its buffer
     * objects only for Netty's own threads, so a message sent from any other thread would otherwise leave a buffer
     * object and its reference count behind as garbage. See {@link #recycle}.
     */
    private final AtomicReference<@Nullable ArrayBlockingQueue<ByteBuf>> spareFrames = new AtomicReference<>();
    /**
     * One spare frame buffer outside {@link #spareFrames}, taken and given back with a single atomic each: what a
     * message written at once through {@link Link#writeNow} uses, so that request-reply never touches the queue.
     * Padded: senders write it for every message, and the transport's thread reads this channel's other fields.
     */
    private final PaddedReference<ByteBuf> hotFrame = new PaddedReference<>();
    /** Capacity of the buffers in {@link #spareFrames}, bounded by {@link #FRAME_POOL_BYTES}. */
    private final AtomicInteger spareBytes = new AtomicInteger();
    /** Set once the link has closed: spare frames are released, not kept. */
    private volatile boolean framesReleased;

    private volatile boolean writable = true;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the channel turns writable or closes: {@link #awaitWritable} waits on it. */
    private final Condition changed = lock.newCondition();
    /**
     * Threads parked in {@link #receive}, oldest first; guarded by {@link #lock}. A message unparks one, a close or a
     * handler unparks all. Parking rather than a condition's await allocates nothing per wait.
     */
    private final ArrayDeque<Thread> receivers = new ArrayDeque<>(4);

    private final ArrayDeque<T> inbound = new ArrayDeque<>();
    private final IntQueue weights = new IntQueue();
    private long inboundBytes;
    private volatile int queued;
    /**
     * One received message passed to {@link #receive} without the lock: {@link #onFrame} puts a message here only
     * when the slot is empty, nothing is queued and no handler is set, so it is always older than everything in
     * {@link #inbound}. Taken by compare-and-set (by a receiver, or by {@link #drain} once a handler is set); emptied
     * by a local close. Padded, as it is written by two threads for every message. Only a message smaller than the
     * receive buffer goes here (a larger one must pause reading at once), and its weight counts when later messages
     * are queued behind it.
     */
    private final PaddedReference<T> handoff = new PaddedReference<>();
    /** The weight of the message in {@link #handoff}; written and read by the transport's thread only. */
    private int handoffWeight;
    /** Threads parked (or about to park) in {@link #receive}; changed under {@link #lock}, read by the hand-off. */
    private volatile int parkedReceivers;
    /**
     * Set, under the lock, by a close decided here: a message that reaches the hand-off slot after it (the filler
     * raced with the close) is dropped, as the close dropped the queue, instead of being taken.
     */
    private volatile boolean dropUndelivered;
    /** Set, under the lock, once a handler is set: the hand-off slot is then no longer filled. */
    private volatile boolean pushMode;

    private @Nullable MessageHandler<T> handler;
    private @Nullable Executor executor;
    /**
     * Whether a thread is delivering to the handler (or is about to). Set by compare-and-set, by whoever then
     * delivers; cleared by that thread. The direct fast path of {@link #onFrame} sets it without the lock.
     */
    private volatile boolean drainScheduled;
    /** The handler, once set with {@link Channel#DIRECT}: {@link #onFrame} may then call it without the lock. */
    private volatile @Nullable MessageHandler<T> directHandler;

    private volatile boolean linkClosed;
    /**
     * On a byte stream: whether this side sent a message after the last one it received. A peer that refuses a frame
     * over its {@code maxFrame} can only drop the stream, so a drop in that state gets {@link
     * CloseReason#MAY_HAVE_REFUSED} as its detail. Written only when it changes.
     */
    private volatile boolean unansweredSend;

    private boolean closeDelivered;
    private volatile @Nullable CloseReason reason;
    private @Nullable CompletableFuture<Void> writableFuture;
    private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();

    private volatile boolean wantPaused;
    private boolean appliedPaused;
    private final AtomicInteger pauseWip = new AtomicInteger();
    private final AtomicBoolean linkCloseRequested = new AtomicBoolean();
    private final Runnable drainTask = this::drain;

    public DefaultChannel(RuntimeSupport runtime, Codec<T> codec, ChannelSettings settings) {
        this.runtime = runtime;
        this.codec = codec;
        this.settings = settings;
    }

    /** Attaches the transport's link; called once, by the binder, before any frame arrives. */
    public DefaultChannel<T> attach(Link link) {
        this.link = link;
        this.headroom = link.headroom();
        this.reportDelivery = link.reportsDelivery();
        this.receiveRefusal = link.receiveRefusal();
        return this;
    }

    @Override
    public Endpoint localEndpoint() {
        return link.localEndpoint();
    }

    @Override
    public Endpoint remoteEndpoint() {
        return link.remoteEndpoint();
    }

    // ---------------------------------------------------------------- sending

    @Override
    public CompletableFuture<Void> send(T message) {
        Objects.requireNonNull(message, "message");
        CloseReason r = reason;
        if (r != null) {
            return CompletableFuture.failedFuture(new ChannelClosedException(r));
        }
        noteSend();
        ByteBuf buf;
        try {
            buf = encode(message);
        } catch (ConduitException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (link.writeNow(buf)) {
            recycle(buf);
            return CompletableFuture.completedFuture(null);
        }
        int size = buf.readableBytes();
        if (!reserve(size)) {
            buf.release();
            return CompletableFuture.failedFuture(new BackpressureException(pending.get(), settings.sendLimit()));
        }
        SendOp op = new SendOp(size, keep(buf));
        write(buf, op, op.frame);
        return op;
    }

    @Override
    public boolean offer(T message) {
        Objects.requireNonNull(message, "message");
        CloseReason r = reason;
        if (r != null) {
            throw new ChannelClosedException(r);
        }
        noteSend();
        ByteBuf buf = encode(message);
        if (link.writeNow(buf)) {
            // Taken at once: nothing pending, no callback, and the buffer is free for the next message.
            recycle(buf);
            return true;
        }
        int size = buf.readableBytes();
        if (!reserve(size)) {
            buf.release();
            return false;
        }
        ArrayBlockingQueue<OfferOp> idle = offers.get();
        OfferOp op = idle == null ? null : idle.poll();
        if (op == null) {
            op = new OfferOp(this);
        }
        op.size = size;
        op.frame = keep(buf);
        write(buf, op, op.frame);
        return true;
    }

    private void noteSend() {
        if (!unansweredSend && settings.framing() != Framing.NONE) {
            unansweredSend = true;
        }
    }

    /**
     * Encodes into a pooled buffer with the link's headroom, checking {@code maxFrame} and what the framing can carry.
     * The caller owns the returned buffer.
     */
    private ByteBuf encode(T message) {
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

    /** Counts {@code size} pending bytes unless that would pass {@code sendLimit} with something already pending. */
    private boolean reserve(int size) {
        long now = pending.addAndGet(size);
        if (now > settings.sendLimit() && now != size) {
            pending.addAndGet(-size);
            return false;
        }
        if (now >= settings.highWater() && writable) {
            updateWritability();
        }
        return true;
    }

    private void released(int size) {
        long now = pending.addAndGet(-size);
        if (now <= settings.lowWater() && !writable) {
            updateWritability();
        }
        if (now == 0 && spareBytes.get() > FRAME_POOL_IDLE_BYTES) {
            trimSpareFrames();
        }
    }

    /** A burst has been written: spares beyond what request-reply needs go back to the allocator. */
    private void trimSpareFrames() {
        ByteBuf b;
        while (spareBytes.get() > FRAME_POOL_IDLE_BYTES && (b = takeQueuedSpare()) != null) {
            b.release();
        }
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

    /**
     * Keeps a reference to a frame about to be written if it is small enough to reuse: the transport releases its
     * reference when it has taken the frame, and the write's callback hands this one to {@link #recycle}.
     */
    private @Nullable ByteBuf keep(ByteBuf frame) {
        if (frame.capacity() > HOT_FRAME_MAX_CAPACITY || framesReleased) {
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
    private void recycle(ByteBuf frame) {
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
        if (framesReleased) {
            releaseSpareFrames(); // raced with the link's close: nothing may stay pooled after it
        }
    }

    private @Nullable ByteBuf takeSpare() {
        ByteBuf hot = takeHot();
        return hot != null ? hot : takeQueuedSpare();
    }

    private @Nullable ByteBuf takeHot() {
        return hotFrame.get() != null ? hotFrame.getAndSet(null) : null;
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
            } else if (framesReleased) {
                releaseSpareFrames(); // raced with the link's close: nothing may stay pooled after it
            }
        }
    }

    private @Nullable ByteBuf takeQueuedSpare() {
        ArrayBlockingQueue<ByteBuf> q = spareFrames.get();
        ByteBuf b = q == null ? null : q.poll();
        if (b != null) {
            spareBytes.addAndGet(-b.capacity());
        }
        return b;
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

    /** The spare-frame queue, made on first use: a channel that never sends in bulk never pays for its array. */
    private ArrayBlockingQueue<ByteBuf> spares() {
        ArrayBlockingQueue<ByteBuf> q = spareFrames.get();
        if (q == null) {
            spareFrames.compareAndSet(null, new ArrayBlockingQueue<>(FRAME_POOL));
            q = Objects.requireNonNull(spareFrames.get());
        }
        return q;
    }

    private void releaseSpareFrames() {
        ByteBuf b;
        while ((b = takeSpare()) != null) {
            b.release();
        }
    }

    /** The future of one send; also the transport's callback for it. */
    private final class SendOp extends CompletableFuture<Void> implements WriteCallback {
        private final int size;
        private final @Nullable ByteBuf frame;

        SendOp(int size, @Nullable ByteBuf frame) {
            this.size = size;
            this.frame = frame;
        }

        @Override
        public void writeComplete(@Nullable Throwable error) {
            if (frame != null) {
                recycle(frame);
            }
            released(size);
            if (error == null) {
                complete(null);
            } else {
                completeExceptionally(sendError(error));
            }
        }
    }

    /**
     * The callback of one {@link #offer}, taken from and given back to its channel's pool so that the hot path
     * allocates nothing per message on any thread (Netty's recycler pools only on Netty's own threads).
     */
    private static final class OfferOp implements WriteCallback {
        private final DefaultChannel<?> channel;
        private int size;
        private @Nullable ByteBuf frame;

        OfferOp(DefaultChannel<?> channel) {
            this.channel = channel;
        }

        @Override
        public void writeComplete(@Nullable Throwable error) {
            DefaultChannel<?> ch = channel;
            int n = size;
            ByteBuf f = frame;
            frame = null;
            ch.offerPool().offer(this);
            if (f != null) {
                ch.recycle(f);
            }
            ch.released(n);
            if (error != null && ch.reason == null) {
                // Nobody holds a future for this message: a transport failing an accepted write closes the channel.
                ch.closeOnError(error);
            }
        }
    }

    private Throwable sendError(Throwable error) {
        if (error instanceof ConduitException) {
            return error;
        }
        CloseReason r = reason;
        return r != null
                ? new ChannelClosedException(r, error)
                : new ConduitException("send on " + this + " failed: " + error, error);
    }

    private void updateWritability() {
        CompletableFuture<Void> toComplete = null;
        lock.lock();
        try {
            long now = pending.get();
            if (writable && now >= settings.highWater()) {
                writable = false;
            } else if (!writable && now <= settings.lowWater()) {
                writable = true;
                changed.signalAll();
                toComplete = writableFuture;
                writableFuture = null;
            }
        } finally {
            lock.unlock();
        }
        if (toComplete != null) {
            toComplete.complete(null);
        }
    }

    @Override
    public boolean isWritable() {
        return writable && reason == null;
    }

    @Override
    public CompletableFuture<Void> whenWritable() {
        lock.lock();
        try {
            CloseReason r = reason;
            if (r != null) {
                return CompletableFuture.failedFuture(new ChannelClosedException(r));
            }
            if (writable) {
                return CompletableFuture.completedFuture(null);
            }
            if (writableFuture == null) {
                writableFuture = new CompletableFuture<>();
            }
            return writableFuture;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitWritable(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                CloseReason r = reason;
                if (r != null) {
                    throw new ChannelClosedException(r);
                }
                if (writable) {
                    return true;
                }
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long pendingBytes() {
        return pending.get();
    }

    // ---------------------------------------------------------------- receiving

    @Override
    public void onFrame(ByteBuffer frame) {
        if (unansweredSend) {
            unansweredSend = false;
        }
        int size = frame.remaining();
        if (size > settings.maxFrame()) {
            refuse(new FrameTooLargeException(size, settings.maxFrame(), "frame"));
            return;
        }
        T message;
        try {
            message = Objects.requireNonNull(codec.decode(frame), "the codec returned null");
        } catch (RuntimeException e) {
            refuse(new CodecException(
                    "codec " + codec + " cannot decode a " + size + "-byte message on " + this + ": " + e, e));
            return;
        }
        MessageHandler<T> direct = directHandler;
        if (direct != null && !drainScheduled && queued == 0 && handoff.get() == null && reason == null) {
            // The direct executor with nothing queued and nobody delivering: hand the message straight to the
            // handler, here, without the lock. Once the handler is set, only the transport's thread (which calls
            // onFrame and onClosed one at a time) queues messages or starts a delivery, so no other thread can
            // take the flag meanwhile and plain ordered stores suffice. It is still set, for a handler that makes
            // the transport deliver the next frame from within this call (an in-process echo): that frame is
            // queued and delivered after this one.
            DRAIN_SCHEDULED.setOpaque(this, true);
            handle(direct, message);
            finishInline();
            return;
        }
        if (!pushMode
                && handoff.get() == null
                && queued == 0
                && reason == null
                && size + MESSAGE_OVERHEAD < settings.receiveBuffer()) {
            // Pull mode with nothing waiting: leave the message in the slot for receive(), without the lock. Only
            // this method fills the slot and the queue, so both stay as checked until the store.
            int weight = size + MESSAGE_OVERHEAD;
            if (handoffWeight != weight) {
                handoffWeight = weight; // only when it changes: the receiver spins on fields beside it
            }
            handoff.set(message);
            if (pushMode || parkedReceivers != 0 || reason != null) {
                handedOffLate(message);
            }
            return;
        }
        Executor schedule = null;
        MessageHandler<T> inline = null;
        boolean pause = false;
        lock.lock();
        try {
            if (reason != null) {
                return;
            }
            if (handler != null
                    && executor == Channel.DIRECT
                    && inbound.isEmpty()
                    && DRAIN_SCHEDULED.compareAndSet(this, false, true)) {
                // The direct executor with nothing queued: hand the message straight to the handler, here.
                inline = handler;
            } else {
                int weight = size + MESSAGE_OVERHEAD;
                inbound.add(message);
                weights.add(weight);
                inboundBytes += weight;
                queued = inbound.size();
                long held = handoff.get() != null ? handoffWeight : 0;
                if (!wantPaused && inboundBytes + held >= settings.receiveBuffer()) {
                    wantPaused = true;
                    pause = true;
                }
                if (handler == null) {
                    wakeOneReceiver();
                } else if (DRAIN_SCHEDULED.compareAndSet(this, false, true)) {
                    schedule = executor;
                }
            }
        } finally {
            lock.unlock();
        }
        if (inline != null) {
            handle(inline, message);
            finishInline();
            return;
        }
        if (pause) {
            applyReadPaused();
        }
        if (schedule != null) {
            execute(schedule);
        }
    }

    /**
     * Gives up the delivery flag after an inline delivery on the transport's thread, unless something arrived for
     * the handler meanwhile (a frame the handler's own call made the transport deliver, or the close), which this
     * thread then delivers. Only this thread queues or closes once a handler is set, so a release store is enough.
     */
    private void finishInline() {
        DRAIN_SCHEDULED.setRelease(this, false);
        if ((queued != 0 || handoff.get() != null || linkClosed) && DRAIN_SCHEDULED.compareAndSet(this, false, true)) {
            drain();
        }
    }

    /**
     * The hand-off slot was filled while something changed: a receiver parked (wake it), a handler was set (its
     * delivery must pick the message up) or the channel was closed here (drop the message, as the close dropped the
     * queue). Each of those sets its state before it looks at the slot, and the filler looks after filling it, so
     * at least one of the two sides sees the other.
     */
    private void handedOffLate(T message) {
        Executor schedule = null;
        lock.lock();
        try {
            if (reason != null && !linkClosed) {
                handoff.compareAndSet(message, null);
            } else if (handler != null) {
                if (DRAIN_SCHEDULED.compareAndSet(this, false, true)) {
                    schedule = executor;
                }
            } else {
                wakeOneReceiver();
            }
        } finally {
            lock.unlock();
        }
        if (schedule != null) {
            execute(schedule);
        }
    }

    /** Takes the message in the hand-off slot, if there is one and no local close has dropped it. */
    private @Nullable T takeHandoff() {
        T m = handoff.get();
        return m != null && handoff.compareAndSet(m, null) && !dropUndelivered ? m : null;
    }

    /** Removes the head of the inbound queue; the caller holds the lock. Returns whether reading should resume. */
    private boolean pollLocked() {
        inbound.poll();
        inboundBytes -= weights.remove();
        queued = inbound.size();
        if (wantPaused && inboundBytes <= settings.receiveBuffer() / 2) {
            wantPaused = false;
            return true;
        }
        return false;
    }

    /** Unparks the longest-waiting thread in {@link #receive}, if any; the caller holds the lock. */
    private void wakeOneReceiver() {
        Thread t = receivers.poll();
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Unparks every thread in {@link #receive}; the caller holds the lock. */
    private void wakeAllReceivers() {
        Thread t;
        while ((t = receivers.poll()) != null) {
            LockSupport.unpark(t);
        }
    }

    /** Applies {@link #wantPaused} to the link; re-entrant calls are folded into the running one. */
    private void applyReadPaused() {
        if (pauseWip.getAndIncrement() != 0) {
            return;
        }
        do {
            boolean want = wantPaused;
            if (want != appliedPaused) {
                appliedPaused = want;
                link.setReadPaused(want);
            }
        } while (pauseWip.decrementAndGet() != 0);
    }

    @Override
    public @Nullable T receive(Duration timeout) throws InterruptedException {
        String refusal = receiveRefusal;
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        T message = take(timeout);
        if (message != null && reportDelivery) {
            link.delivered(); // receive returns it: the application has it now
        }
        return message;
    }

    private @Nullable T take(Duration timeout) throws InterruptedException {
        if (!pushMode) {
            T handed = takeHandoff();
            if (handed != null) {
                return handed;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        // In push mode there is nothing to wait for: the locked path below reports the misuse at once.
        Idle idle = pushMode ? Idle.BLOCK : settings.idle();
        if (idle != Idle.BLOCK) {
            spinForMessage(idle, deadline);
            if (!pushMode) {
                T handed = takeHandoff();
                if (handed != null) {
                    return handed;
                }
            }
            // Waiting on under the lock, perhaps asleep: the transport's thread must read again.
            link.endReadNow();
        }
        boolean resume = false;
        lock.lockInterruptibly();
        boolean locked = true;
        try {
            while (true) {
                if (handler != null) {
                    throw new IllegalStateException(
                            "receive() is not available: " + this + " is in push mode (onMessage)");
                }
                T handed = takeHandoff(); // older than anything queued
                if (handed != null) {
                    return handed;
                }
                T message = inbound.peek();
                if (message != null) {
                    resume = pollLocked();
                    return message;
                }
                CloseReason r = reason;
                if (r != null) {
                    throw new ChannelClosedException(r);
                }
                long nanos = deadline - System.nanoTime();
                if (nanos <= 0) {
                    return null;
                }
                Thread me = Thread.currentThread();
                receivers.add(me);
                parkedReceivers++;
                if (handoff.get() != null) {
                    // Filled after the look above, by a filler that may not have seen this thread counted yet.
                    receivers.removeLastOccurrence(me);
                    parkedReceivers--;
                    continue;
                }
                lock.unlock();
                locked = false;
                LockSupport.parkNanos(this, nanos);
                lock.lock();
                locked = true;
                parkedReceivers--;
                receivers.removeFirstOccurrence(me); // still there unless a message or a close woke it
                if (Thread.interrupted()) {
                    if (!inbound.isEmpty() || handoff.get() != null) {
                        wakeOneReceiver(); // the message that may have woken this thread is for another
                    }
                    throw new InterruptedException("interrupted in receive on " + this);
                }
            }
        } finally {
            if (locked) {
                lock.unlock();
            }
            if (resume) {
                applyReadPaused();
            }
        }
    }

    /**
     * The spinning part of {@link #receive}: waits without the lock until a message or the close arrives, {@code
     * idle} allows no more spinning, or the deadline passes. Each turn offers the link to read on this thread
     * ({@link Link#readNow}), which saves the hand-over from the transport's thread.
     */
    private void spinForMessage(Idle idle, long deadline) {
        if (idle == Idle.SPIN) {
            // The clock is read every 64 turns only: a message must not wait for a clock read to be noticed.
            for (int turn = 1; handoff.get() == null && queued == 0 && reason == null; turn++) {
                if ((turn & 63) == 0 && System.nanoTime() - deadline >= 0) {
                    return;
                }
                if (!link.readNow()) {
                    Thread.onSpinWait();
                }
            }
            return;
        }
        // Spin briefly, then yield: on a machine with few cores the thread that will deliver the message (a
        // transport's poller, a peer process) may need this core, and a pure spin would keep it off.
        long start = System.nanoTime();
        while (queued == 0 && handoff.get() == null && reason == null) {
            long now = System.nanoTime();
            long spent = now - start;
            if (spent >= BACKOFF_SPIN_NANOS || now - deadline >= 0) {
                return;
            }
            if (link.readNow()) {
                continue;
            }
            if (spent < BACKOFF_PURE_SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    @Override
    public void onMessage(MessageHandler<T> handler) {
        onMessage(handler, runtime.handlerExecutor());
    }

    @Override
    public void onMessage(MessageHandler<T> newHandler, Executor newExecutor) {
        Objects.requireNonNull(newHandler, "handler");
        Objects.requireNonNull(newExecutor, "executor");
        String refusal = receiveRefusal;
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        boolean schedule;
        lock.lock();
        try {
            if (handler != null) {
                throw new IllegalStateException("a handler is already set on " + this);
            }
            handler = newHandler;
            executor = newExecutor;
            // No delivery can be running: there was no handler to deliver to.
            pushMode = true;
            schedule = !inbound.isEmpty() || handoff.get() != null || linkClosed;
            drainScheduled = schedule;
            wakeAllReceivers();
            if (newExecutor == Channel.DIRECT) {
                directHandler = newHandler;
            }
        } finally {
            lock.unlock();
        }
        link.endReadNow(); // a receiver's claim on the link's reading, if any, ends with pull mode
        if (schedule) {
            execute(newExecutor);
        }
    }

    private void execute(Executor on) {
        try {
            on.execute(drainTask);
        } catch (RejectedExecutionException e) {
            lock.lock();
            try {
                drainScheduled = false;
            } finally {
                lock.unlock();
            }
            closeOnError(new ConduitException("handler executor rejected delivery for " + this, e));
        }
    }

    /** Delivers up to a batch of messages to the handler, then the close once the queue is empty. */
    private void drain() {
        for (int delivered = 0; ; delivered++) {
            MessageHandler<T> h;
            T message = null;
            boolean resume = false;
            boolean reschedule = false;
            CloseReason closeToDeliver = null;
            lock.lock();
            try {
                h = Objects.requireNonNull(handler);
                if (delivered == DRAIN_BATCH && (handoff.get() != null || !inbound.isEmpty())) {
                    reschedule = true;
                } else {
                    // A message left in the hand-off slot before the handler was set is older than the queue.
                    message = takeHandoff();
                    if (message == null && !inbound.isEmpty()) {
                        message = inbound.peek();
                        resume = pollLocked();
                    }
                    if (message == null) {
                        drainScheduled = false;
                        if (linkClosed && !closeDelivered) {
                            closeDelivered = true;
                            closeToDeliver = reason;
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            if (resume) {
                applyReadPaused();
            }
            if (message == null) {
                if (closeToDeliver != null) {
                    deliverClose(h, closeToDeliver);
                }
                if (reschedule) {
                    execute(Objects.requireNonNull(executor));
                }
                return;
            }
            handle(h, message);
        }
    }

    private void handle(MessageHandler<T> h, T message) {
        try {
            h.onMessage(this, message);
        } catch (Throwable t) {
            log.warn("message handler failed on {}; closing the channel", this, t);
            closeOnError(t);
            return; // not delivered: a transport that remembers deliveries offers it again later
        }
        if (reportDelivery) {
            link.delivered();
        }
    }

    private void deliverClose(MessageHandler<T> h, CloseReason r) {
        try {
            h.onClose(this, r);
        } catch (Throwable t) {
            log.warn("onClose handler failed on {}", this, t);
        }
    }

    // ---------------------------------------------------------------- closing

    @Override
    public boolean isOpen() {
        return reason == null;
    }

    @Override
    public @Nullable CloseReason closeReason() {
        return reason;
    }

    @Override
    public CompletableFuture<CloseReason> closeFuture() {
        return closeFuture;
    }

    @Override
    public void close() {
        beginClose(CloseReason.LOCAL);
    }

    /** Closes the channel because of {@code error}, reported as the close reason. */
    public void closeOnError(Throwable error) {
        beginClose(CloseReason.error(error));
    }

    /**
     * Marks the channel closed locally without touching the transport yet. A runtime or listener closing many
     * channels marks them all first, so that each reports {@link CloseReason#LOCAL} rather than whichever end
     * happened to be closed first reporting the other as {@link CloseReason#PEER}.
     */
    void markClosing() {
        setReason(CloseReason.LOCAL);
    }

    private void beginClose(CloseReason r) {
        setReason(r);
        if (linkCloseRequested.compareAndSet(false, true)) {
            link.close();
        }
    }

    /** Closes because of what the peer sent; the link tells the peer why if it can. */
    private void refuse(ConduitException why) {
        setReason(CloseReason.error(why));
        if (linkCloseRequested.compareAndSet(false, true)) {
            link.refuse(why);
        }
    }

    private void setReason(CloseReason r) {
        CompletableFuture<Void> toFail;
        lock.lock();
        try {
            if (reason != null) {
                return;
            }
            reason = r;
            // This side decided to close: whatever has not been delivered yet is dropped.
            inbound.clear();
            dropUndelivered = true;
            handoff.set(null);
            weights.clear();
            inboundBytes = 0;
            queued = 0;
            changed.signalAll();
            wakeAllReceivers();
            toFail = writableFuture;
            writableFuture = null;
        } finally {
            lock.unlock();
        }
        if (toFail != null) {
            toFail.completeExceptionally(new ChannelClosedException(r));
        }
        if (r.kind() == CloseReason.Kind.ERROR) {
            log.debug("{} {}", this, r);
        }
    }

    @Override
    public void onClosed(CloseReason linkReason) {
        CompletableFuture<Void> toFail;
        CloseReason r;
        Executor schedule = null;
        CloseReason told = linkReason;
        boolean dropped = told.kind() == CloseReason.Kind.PEER
                || (told.kind() == CloseReason.Kind.ERROR && told.error() instanceof java.io.IOException);
        if (dropped && told.detail() == null && unansweredSend) {
            // A byte stream has no way to say why the peer dropped it: say what it may well have been.
            told = new CloseReason(told.kind(), CloseReason.MAY_HAVE_REFUSED, told.error());
        }
        lock.lock();
        try {
            if (reason == null) {
                reason = told;
            }
            r = Objects.requireNonNull(reason);
            linkClosed = true;
            framesReleased = true;
            changed.signalAll();
            wakeAllReceivers();
            toFail = writableFuture;
            writableFuture = null;
            if (handler != null && DRAIN_SCHEDULED.compareAndSet(this, false, true)) {
                schedule = executor;
            }
        } finally {
            lock.unlock();
        }
        if (toFail != null) {
            toFail.completeExceptionally(new ChannelClosedException(r));
        }
        releaseSpareFrames();
        if (r.kind() == CloseReason.Kind.ERROR && linkReason.kind() == CloseReason.Kind.ERROR) {
            if (r.error() instanceof java.io.IOException) {
                // The network or the peer went away (a reset, a broken pipe): routine for a server, and the reason
                // is on the channel for whoever asks. Bad input (protocol, codec, frame size) is worth a line.
                log.debug("{} {}", this, r);
            } else {
                log.info("{} {}", this, r);
            }
        }
        runtime.channelClosed(this);
        closeFuture.complete(r);
        if (schedule != null) {
            execute(schedule);
        }
    }

    @Override
    public <V> Optional<V> property(Property<V> key) {
        return Optional.ofNullable(link.property(key));
    }

    @Override
    public String toString() {
        Link l = link;
        return l == null ? "channel(unattached)" : "channel(" + l.localEndpoint() + " <-> " + l.remoteEndpoint() + ")";
    }

    private static String describe(Object message) {
        return "a " + message.getClass().getSimpleName();
    }
}
