package dev.conduit.core.internal;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.ConduitException;
import dev.conduit.core.MessageHandler;
import dev.conduit.core.spi.Link;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's push mode: the handler set by {@code onMessage}, and the drain task that delivers to it, one message at a
 * time and in order, then the close. See "Delivery" in {@code core/CONCURRENCY.md}.
 *
 * <p>Threads and guards (its rows of the guard table): the handler, its executor and whether the close was delivered
 * are guarded by the channel's shared lock (given to the constructor). The drain-scheduled flag ({@link
 * #drainScheduled}) is volatile: taken by compare-and-set on the locked paths, by whoever then delivers; set and
 * cleared with ordered stores on the direct fast path ({@link #deliverDirect}), where only the transport's thread
 * queues or starts a delivery.
 */
final class PushDelivery<T> {
    private static final Logger log = LoggerFactory.getLogger(DefaultChannel.class);

    /** Messages one drain run delivers before yielding its handler thread to other channels. */
    private static final int DRAIN_BATCH = 256;

    private static final VarHandle DRAIN_SCHEDULED;

    static {
        try {
            DRAIN_SCHEDULED = MethodHandles.lookup().findVarHandle(PushDelivery.class, "drainScheduled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReentrantLock lock;
    private final InboundQueue<T> queue;
    private final PullReceiver<T> receivers;
    private final DefaultChannel<T> channel;
    /** Set once, by {@link #attach}, before any frame arrives. */
    private Link link;

    private @Nullable MessageHandler<T> handler;
    private @Nullable Executor executor;
    private boolean closeDelivered;
    /**
     * Whether a thread is delivering to the handler (or is about to). Set by compare-and-set, by whoever then
     * delivers; cleared by that thread. The direct fast path of {@link #deliverDirect} sets it without the lock.
     */
    private volatile boolean drainScheduled;
    /** The handler, once set with {@link Channel#DIRECT}: {@link #deliverDirect} may then call it without the lock. */
    private volatile @Nullable MessageHandler<T> directHandler;

    private final Runnable drainTask = this::drain;
    /** The link's {@link Link#reportsDelivery()}, read once at attach. */
    private boolean reportDelivery;

    PushDelivery(ReentrantLock lock, InboundQueue<T> queue, PullReceiver<T> receivers, DefaultChannel<T> channel) {
        this.lock = lock;
        this.queue = queue;
        this.receivers = receivers;
        this.channel = channel;
    }

    void attach(Link l) {
        this.link = l;
        this.reportDelivery = l.reportsDelivery();
    }

    void onMessage(MessageHandler<T> newHandler, Executor newExecutor) {
        Objects.requireNonNull(newHandler, "handler");
        Objects.requireNonNull(newExecutor, "executor");
        boolean schedule;
        lock.lock();
        try {
            if (handler != null) {
                throw new IllegalStateException("a handler is already set on " + channel);
            }
            handler = newHandler;
            executor = newExecutor;
            // No delivery can be running: there was no handler to deliver to.
            queue.pushMode = true;
            schedule = queue.hasMessagesLocked() || channel.linkClosed;
            drainScheduled = schedule;
            receivers.wakeAllLocked();
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

    /** Whether a handler is set; the caller holds the lock. */
    boolean hasHandlerLocked() {
        return handler != null;
    }

    /**
     * The direct executor with nothing queued and nobody delivering: hands {@code message} straight to the handler,
     * here, without the lock, and returns true; false if that case does not hold. The transport's thread.
     */
    boolean deliverDirect(T message) {
        MessageHandler<T> direct = directHandler;
        if (direct != null && !drainScheduled && queue.isIdle() && channel.reason == null) {
            // Once the handler is set, only the transport's thread (which calls onFrame and onClosed one at a time)
            // queues messages or starts a delivery, so no other thread can take the flag meanwhile and plain ordered
            // stores suffice. It is still set, for a handler that makes the transport deliver the next frame from
            // within this call (an in-process echo): that frame is queued and delivered after this one.
            DRAIN_SCHEDULED.setOpaque(this, true);
            handle(direct, message);
            finishInline();
            return true;
        }
        return false;
    }

    /**
     * Takes the delivery for the transport's thread if the handler runs on the direct executor and nothing is queued;
     * returns the handler to call through {@link #deliverInline}, or null. The caller holds the lock.
     */
    @Nullable
    MessageHandler<T> takeInlineLocked() {
        return handler != null
                        && executor == Channel.DIRECT
                        && queue.isEmptyLocked()
                        && DRAIN_SCHEDULED.compareAndSet(this, false, true)
                ? handler
                : null;
    }

    /** Delivers a message taken by {@link #takeInlineLocked}, on this thread, then what arrived meanwhile. */
    void deliverInline(MessageHandler<T> h, T message) {
        handle(h, message);
        finishInline();
    }

    /**
     * Takes the delivery flag if a handler is set and no delivery runs; returns the executor to {@link #execute} the
     * drain on once the lock is let go, or null. The caller holds the lock.
     */
    @Nullable
    Executor scheduleLocked() {
        return handler != null && DRAIN_SCHEDULED.compareAndSet(this, false, true) ? executor : null;
    }

    /**
     * Gives up the delivery flag after an inline delivery on the transport's thread, unless something arrived for
     * the handler meanwhile (a frame the handler's own call made the transport deliver, or the close), which this
     * thread then delivers. Only this thread queues or closes once a handler is set, so a release store is enough.
     */
    private void finishInline() {
        DRAIN_SCHEDULED.setRelease(this, false);
        if ((queue.hasQueued() || queue.handoff.get() != null || channel.linkClosed)
                && DRAIN_SCHEDULED.compareAndSet(this, false, true)) {
            drain();
        }
    }

    void execute(Executor on) {
        try {
            on.execute(drainTask);
        } catch (RejectedExecutionException e) {
            lock.lock();
            try {
                drainScheduled = false;
            } finally {
                lock.unlock();
            }
            channel.closeOnError(new ConduitException("handler executor rejected delivery for " + channel, e));
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
                if (delivered == DRAIN_BATCH && queue.hasMessagesLocked()) {
                    reschedule = true;
                } else {
                    // A message left in the hand-off slot before the handler was set is older than the queue.
                    message = queue.takeHandoff();
                    if (message == null && !queue.isEmptyLocked()) {
                        message = queue.peekLocked();
                        resume = queue.pollLocked();
                    }
                    if (message == null) {
                        drainScheduled = false;
                        if (channel.linkClosed && !closeDelivered) {
                            closeDelivered = true;
                            closeToDeliver = channel.reason;
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            if (resume) {
                queue.applyReadPaused();
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
            h.onMessage(channel, message);
        } catch (Throwable t) {
            log.warn("message handler failed on {}; closing the channel", channel, t);
            channel.closeOnError(t);
            return; // not delivered: a transport that remembers deliveries offers it again later
        }
        if (reportDelivery) {
            link.delivered();
        }
    }

    private void deliverClose(MessageHandler<T> h, CloseReason r) {
        try {
            h.onClose(channel, r);
        } catch (Throwable t) {
            log.warn("onClose handler failed on {}", channel, t);
        }
    }
}
