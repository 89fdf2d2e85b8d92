package dev.conduit.core.internal;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codec;
import dev.conduit.core.ConduitException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.MessageHandler;
import dev.conduit.core.Property;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link Channel} implementation, over any transport's {@link Link}: a façade that holds the close state and
 * wires the parts that do the work, each with one job and all sharing one lock, which this class makes and passes to
 * each part's constructor. See {@code core/CONCURRENCY.md} for the design and its guard table.
 *
 * <ul>
 *   <li>{@link FramePool}: encodes into pooled outbound buffers and takes them back;
 *   <li>{@link SendWindow}: pending outbound bytes, watermarks and writability;
 *   <li>{@link Sender}: {@code send} and {@code offer};
 *   <li>{@link FrameIntake}: what happens to a frame the link read;
 *   <li>{@link InboundQueue}: received messages not yet delivered, and the hand-off slot;
 *   <li>{@link PullReceiver}: {@code receive}, spinning and parking;
 *   <li>{@link PushDelivery}: the handler and its delivery.
 * </ul>
 *
 * <p>Threads and guards (its row of the guard table): the close reason is volatile and written under the lock (the
 * first reason wins); whether the link has closed is volatile and written under the lock by the transport's thread;
 * whether the link was asked to close is an {@link AtomicBoolean}, so the link is closed once.
 */
public final class DefaultChannel<T> implements Channel<T>, LinkListener {
    private static final Logger log = LoggerFactory.getLogger(DefaultChannel.class);

    private final RuntimeSupport runtime;
    /** Where this channel counts its traffic; null when the runtime has no metrics hook. */
    final @Nullable TrafficCounters traffic;

    private Link link;
    /** The link's {@link Link#reportsDelivery()}, read once at attach. */
    private boolean reportDelivery;
    /** The link's {@link Link#receiveRefusal()}, read once at attach: non-null for a link that can only send. */
    private @Nullable String receiveRefusal;

    private final ReentrantLock lock = new ReentrantLock();
    private final FramePool<T> pool;
    private final SendWindow window;
    private final Sender<T> sender;
    private final InboundQueue<T> queue;
    private final PullReceiver<T> receivers;
    private final PushDelivery<T> delivery;
    private final FrameIntake<T> intake;

    /** Why the channel closed; the first reason wins. Written under {@link #lock}; the parts read it. */
    volatile @Nullable CloseReason reason;
    /** Whether the link has reported its close; written under {@link #lock}; the parts read it. */
    volatile boolean linkClosed;

    private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();
    private final AtomicBoolean linkCloseRequested = new AtomicBoolean();

    public DefaultChannel(RuntimeSupport runtime, Codec<T> codec, ChannelSettings settings) {
        this(runtime, codec, settings, null);
    }

    /** @param traffic where this channel counts its traffic; null (no metrics hook) counts nothing */
    public DefaultChannel(
            RuntimeSupport runtime, Codec<T> codec, ChannelSettings settings, @Nullable TrafficCounters traffic) {
        this.runtime = runtime;
        this.traffic = traffic;
        this.pool = new FramePool<>(runtime, codec, settings);
        this.window = new SendWindow(lock, settings, pool, this);
        this.sender = new Sender<>(this, codec, pool, window, settings, traffic);
        this.queue = new InboundQueue<>(settings);
        this.receivers = new PullReceiver<>(lock, queue, settings, this);
        this.delivery = new PushDelivery<>(lock, queue, receivers, this);
        this.intake = new FrameIntake<>(lock, codec, settings, this, sender, queue, receivers, delivery, traffic);
    }

    /** Attaches the transport's link; called once, by the binder, before any frame arrives. */
    public DefaultChannel<T> attach(Link link) {
        this.link = link;
        this.reportDelivery = link.reportsDelivery();
        this.receiveRefusal = link.receiveRefusal();
        pool.attach(link.headroom());
        sender.attach(link);
        queue.attach(link);
        receivers.attach(link);
        delivery.attach(link);
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
        return sender.send(message);
    }

    @Override
    public boolean offer(T message) {
        return sender.offer(message);
    }

    @Override
    public boolean isWritable() {
        return window.isWritable() && reason == null;
    }

    @Override
    public CompletableFuture<Void> whenWritable() {
        return window.whenWritable();
    }

    @Override
    public boolean awaitWritable(Duration timeout) throws InterruptedException {
        return window.awaitWritable(timeout);
    }

    @Override
    public long pendingBytes() {
        return window.pendingBytes();
    }

    /** The runtime's sweep: lets go of a large spare buffer; see {@link FramePool#releaseLargeSpare}. */
    void releaseLargeSpare() {
        pool.releaseLargeSpare();
    }

    // ---------------------------------------------------------------- receiving

    @Override
    public void onFrame(ByteBuffer frame) {
        intake.onFrame(frame);
    }

    @Override
    public void onObject(Object message) {
        intake.onObject(message);
    }

    @Override
    public @Nullable Codec<?> codec() {
        return intake.codec();
    }

    @Override
    public @Nullable T receive(Duration timeout) throws InterruptedException {
        refuseReceiving();
        T message = receivers.receive(timeout);
        if (message != null && reportDelivery) {
            link.delivered(); // receive returns it: the application has it now
        }
        return message;
    }

    @Override
    public boolean deliverHere() {
        Link l = link;
        return l != null && queue.pushMode && reason == null && l.readNow();
    }

    @Override
    public void stopDeliveringHere() {
        Link l = link;
        if (l != null && queue.pushMode) {
            l.endReadNow();
        }
    }

    @Override
    public void onMessage(MessageHandler<T> handler) {
        onMessage(handler, runtime.handlerExecutor());
    }

    @Override
    public void onMessage(MessageHandler<T> handler, Executor executor) {
        refuseReceiving();
        delivery.onMessage(handler, executor);
    }

    /** Fails on a link that can only send (its {@link Link#receiveRefusal()} says why). */
    private void refuseReceiving() {
        String refusal = receiveRefusal;
        if (refusal != null) {
            throw new IllegalStateException(refusal);
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
    void refuse(ConduitException why) {
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
            queue.dropAllLocked();
            toFail = window.closedLocked();
            receivers.wakeAllLocked();
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
        Executor schedule;
        CloseReason told = linkReason;
        boolean dropped = told.kind() == CloseReason.Kind.PEER
                || (told.kind() == CloseReason.Kind.ERROR && told.error() instanceof java.io.IOException);
        if (dropped && told.detail() == null && sender.unanswered()) {
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
            pool.markClosed();
            toFail = window.closedLocked();
            receivers.wakeAllLocked();
            schedule = delivery.scheduleLocked();
        } finally {
            lock.unlock();
        }
        if (toFail != null) {
            toFail.completeExceptionally(new ChannelClosedException(r));
        }
        pool.releaseAll();
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
            delivery.execute(schedule);
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
}
