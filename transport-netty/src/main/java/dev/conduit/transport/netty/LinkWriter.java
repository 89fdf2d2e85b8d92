package dev.conduit.transport.netty;

import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The outbound half of a {@link NettyLink}: frames written from any thread are queued, and one task on the channel's
 * event loop writes every queued frame and flushes once. So a burst of sends costs one event-loop wake-up and one
 * flush, not one of each per message, and the write order is the queue's order whatever thread wrote.
 *
 * <p>Write callbacks are completed without allocating per message: frames go out with a shared void promise, and
 * when a flush leaves the channel's outbound buffer empty every frame written so far is known to be in the socket.
 * Only when the socket pushes back (or when a handler before the link may hold writes back, such as TLS) does a
 * batch get one real promise, on an empty marker written after it.
 *
 * <p>Threading: {@link #lock} guards the queue and the scheduling flag; the rest is event-loop only.
 */
final class LinkWriter {
    /** Frames written per flush before the task yields the event loop to other channels. */
    private static final int MAX_BATCH = 256;

    private final Channel channel;
    private final boolean confirmOnEmpty;
    private final VoidChannelPromise voidPromise;
    private final Runnable drainTask = this::drain;

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private final ArrayDeque<WriteCallback> queuedCallbacks = new ArrayDeque<>();
    private boolean drainScheduled;
    private @Nullable Throwable closed;

    /** Event loop only: callbacks of frames written but not yet known to be in the socket, in write order. */
    private final ArrayDeque<WriteCallback> unconfirmed = new ArrayDeque<>();
    /** Event loop only: markers written whose promise has not completed. */
    private int markersOutstanding;
    /** Event loop only: how many of {@link #unconfirmed}, from the head, the outstanding markers cover. */
    private int coveredByMarkers;
    /** Event loop only: {@link #close} has failed {@link #unconfirmed}; late marker completions are ignored. */
    private boolean failedOnLoop;
    /**
     * Event loop only: callbacks are being completed. A callback that writes again (a send chained on a future) must
     * not drain and confirm in the middle of that loop, or a new marker would count callbacks the loop is about to
     * complete; its frames are drained by a task of their own instead.
     */
    private boolean completing;

    /**
     * @param confirmOnEmpty whether an empty outbound buffer after a flush proves the frames are in the socket: true
     *     when no handler between the link and the socket holds writes back
     */
    LinkWriter(Channel channel, boolean confirmOnEmpty) {
        this.channel = channel;
        this.confirmOnEmpty = confirmOnEmpty;
        this.voidPromise = new VoidChannelPromise(channel, false);
    }

    /** Queues an encoded frame; any thread. Takes ownership of {@code frame}; calls {@code callback} exactly once. */
    void write(ByteBuf frame, WriteCallback callback) {
        boolean schedule;
        Throwable refused;
        lock.lock();
        try {
            refused = closed;
            schedule = refused == null && !drainScheduled;
            if (refused == null) {
                queued.add(frame);
                queuedCallbacks.add(callback);
                drainScheduled = true;
            }
        } finally {
            lock.unlock();
        }
        if (refused != null) {
            frame.release();
            callback.writeComplete(refused);
        } else if (schedule) {
            schedule();
        }
    }

    private void schedule() {
        if (channel.eventLoop().inEventLoop() && !completing) {
            drain();
            return;
        }
        try {
            channel.eventLoop().execute(drainTask);
        } catch (RejectedExecutionException e) {
            close(e);
        }
    }

    /** Writes up to a batch of queued frames and flushes; reschedules itself if more are queued. Event loop. */
    private void drain() {
        int written = 0;
        boolean more = false;
        while (true) {
            ByteBuf frame;
            WriteCallback callback;
            lock.lock();
            try {
                if (written == MAX_BATCH && !queued.isEmpty()) {
                    more = true;
                    break;
                }
                frame = queued.poll();
                if (frame == null) {
                    drainScheduled = false;
                    break;
                }
                callback = queuedCallbacks.poll();
            } finally {
                lock.unlock();
            }
            channel.write(frame, voidPromise);
            unconfirmed.add(callback);
            written++;
        }
        if (written > 0) {
            channel.flush();
            confirm();
        }
        if (more) {
            try {
                channel.eventLoop().execute(drainTask);
            } catch (RejectedExecutionException e) {
                close(e);
            }
        }
    }

    /** Completes the callbacks of frames now in the socket, or arranges to when they are. Event loop. */
    private void confirm() {
        if (unconfirmed.isEmpty()) {
            return;
        }
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        if (confirmOnEmpty && markersOutstanding == 0 && out != null && out.isEmpty()) {
            complete(unconfirmed.size(), null);
            return;
        }
        if (!channel.isActive()) {
            return; // close() fails them
        }
        int covered = unconfirmed.size() - coveredByMarkers;
        if (covered == 0) {
            return;
        }
        coveredByMarkers += covered;
        markersOutstanding++;
        ChannelPromise marker = channel.newPromise();
        marker.addListener(new Confirmation(covered));
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER, marker);
    }

    /** Completes the callbacks a marker covers once everything before it has been written. */
    private final class Confirmation implements ChannelFutureListener {
        private final int count;

        Confirmation(int count) {
            this.count = count;
        }

        @Override
        public void operationComplete(ChannelFuture f) {
            if (failedOnLoop) {
                return;
            }
            markersOutstanding--;
            coveredByMarkers -= count;
            complete(count, f.isSuccess() ? null : f.cause());
        }
    }

    private void complete(int count, @Nullable Throwable error) {
        boolean outer = !completing;
        completing = true;
        try {
            for (int i = 0; i < count; i++) {
                WriteCallback c = unconfirmed.poll();
                if (c == null) {
                    return;
                }
                c.writeComplete(error);
            }
        } finally {
            if (outer) {
                completing = false;
            }
        }
    }

    /**
     * Fails every frame not yet known to be in the socket, and every later write, with {@code cause}. Called on the
     * event loop when the channel goes inactive, or from any thread if the event loop is gone.
     */
    void close(@Nullable Throwable cause) {
        Throwable reason = cause != null ? cause : new ClosedChannelException();
        ArrayDeque<ByteBuf> frames;
        ArrayDeque<WriteCallback> callbacks;
        lock.lock();
        try {
            if (closed == null) {
                closed = reason;
            }
            frames = new ArrayDeque<>(queued);
            callbacks = new ArrayDeque<>(queuedCallbacks);
            queued.clear();
            queuedCallbacks.clear();
        } finally {
            lock.unlock();
        }
        if (channel.eventLoop().inEventLoop()) {
            failedOnLoop = true;
            complete(unconfirmed.size(), reason);
        }
        while (!frames.isEmpty()) {
            frames.poll().release();
            callbacks.poll().writeComplete(reason);
        }
    }
}
