package dev.conduit.core.internal;

import dev.conduit.core.Codec;
import dev.conduit.core.CodecException;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.MessageHandler;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * What a channel does with a frame the link read: checks and decodes it, then hands the message on by the cheapest
 * way the channel's state allows: straight to a direct handler, into the hand-off slot for {@code receive()}, or
 * into the queue under the lock (waking a receiver or scheduling the handler's delivery). See "Without the lock" in
 * {@code core/CONCURRENCY.md}.
 *
 * <p>Threads and guards: called only by the transport's thread, one frame at a time and never at once with the
 * link's {@code onClosed} (the {@code LinkListener} rule), which is what lets the two fast paths go without the lock.
 * The locked path takes the channel's shared lock (given to the constructor); the state is that of the parts.
 */
final class FrameIntake<T> {
    private final ReentrantLock lock;
    private final Codec<T> codec;
    private final ChannelSettings settings;
    private final DefaultChannel<T> channel;
    private final Sender<T> sender;
    private final InboundQueue<T> queue;
    private final PullReceiver<T> receivers;
    private final PushDelivery<T> delivery;
    /** Null without a metrics hook: then the receive path's only cost is this null check. */
    private final @Nullable TrafficCounters traffic;

    FrameIntake(
            ReentrantLock lock,
            Codec<T> codec,
            ChannelSettings settings,
            DefaultChannel<T> channel,
            Sender<T> sender,
            InboundQueue<T> queue,
            PullReceiver<T> receivers,
            PushDelivery<T> delivery,
            @Nullable TrafficCounters traffic) {
        this.lock = lock;
        this.codec = codec;
        this.settings = settings;
        this.channel = channel;
        this.sender = sender;
        this.queue = queue;
        this.receivers = receivers;
        this.delivery = delivery;
        this.traffic = traffic;
    }

    void onFrame(ByteBuffer frame) {
        sender.answered();
        int size = frame.remaining();
        if (size > settings.maxFrame()) {
            channel.refuse(new FrameTooLargeException(size, settings.maxFrame(), "frame"));
            return;
        }
        T message;
        try {
            message = Objects.requireNonNull(codec.decode(frame), "the codec returned null");
        } catch (RuntimeException e) {
            channel.refuse(new CodecException(
                    "codec " + codec + " cannot decode a " + size + "-byte message on " + channel + ": " + e, e));
            return;
        }
        accept(message, size);
    }

    /**
     * A message a link in this process passed as an object (made by the sender's {@link Codec#copyFor} for this
     * channel's codec): handed on as a decoded frame's message is, counted at its {@link Codec#sizeHint}.
     */
    @SuppressWarnings("unchecked")
    void onObject(Object copy) {
        sender.answered();
        T message = (T) copy;
        accept(message, Math.max(0, codec.sizeHint(message)));
    }

    /** The codec, for a link that passes message objects: it may take copies made for it. */
    @Nullable
    Codec<T> codec() {
        return codec;
    }

    private void accept(T message, int size) {
        TrafficCounters t = traffic;
        if (t != null) {
            t.received(size);
        }
        if (delivery.deliverDirect(message)) {
            return;
        }
        if (queue.mayHandOff(size) && channel.reason == null) {
            // Pull mode with nothing waiting: leave the message in the slot for receive(), without the lock. Only
            // this thread fills the slot and the queue, so both stay as checked until the store.
            queue.handOff(message, size);
            if (queue.pushMode || receivers.anyParked() || channel.reason != null) {
                handedOffLate(message);
            }
            return;
        }
        Executor schedule = null;
        MessageHandler<T> inline = null;
        boolean pause = false;
        lock.lock();
        try {
            if (channel.reason != null) {
                return;
            }
            inline = delivery.takeInlineLocked();
            if (inline == null) {
                pause = queue.addLocked(message, size);
                if (!delivery.hasHandlerLocked()) {
                    receivers.wakeOneLocked();
                } else {
                    schedule = delivery.scheduleLocked();
                }
            }
        } finally {
            lock.unlock();
        }
        if (inline != null) {
            delivery.deliverInline(inline, message);
            return;
        }
        if (pause) {
            queue.applyReadPaused();
        }
        if (schedule != null) {
            delivery.execute(schedule);
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
            if (channel.reason != null && !channel.linkClosed) {
                queue.dropHandedOff(message);
            } else if (delivery.hasHandlerLocked()) {
                schedule = delivery.scheduleLocked();
            } else {
                receivers.wakeOneLocked();
            }
        } finally {
            lock.unlock();
        }
        if (schedule != null) {
            delivery.execute(schedule);
        }
    }
}
