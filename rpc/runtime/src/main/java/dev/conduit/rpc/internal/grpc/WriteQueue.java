package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.internal.Frame;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Frames that calls write from any thread, handed to the connection's event loop in order and written there in
 * batches: one task and one flush per batch, however many frames it holds. A frame carries its encoded bytes
 * ({@link Frame#carried()}); a frame that cannot be written any more (closed channel, stopped loop) has them
 * released.
 */
final class WriteQueue implements Runnable {
    private final Queue<Frame> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Channel channel;
    private final Consumer<Frame> writer;

    WriteQueue(Channel channel, Consumer<Frame> writer) {
        this.channel = channel;
        this.writer = writer;
    }

    /** Queues {@code frame} for the event loop. Any thread. */
    void enqueue(Frame frame) {
        queue.add(frame);
        if (scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                discard();
            }
        }
    }

    @Override
    public void run() {
        do {
            Frame f;
            while ((f = queue.poll()) != null) {
                if (channel.isActive()) {
                    writer.accept(f);
                } else {
                    release(f);
                }
            }
            channel.flush();
            scheduled.set(false);
        } while (!queue.isEmpty() && scheduled.compareAndSet(false, true));
    }

    /** Releases what is queued: the channel is gone. */
    void discard() {
        Frame f;
        while ((f = queue.poll()) != null) {
            release(f);
        }
    }

    static void release(Frame f) {
        Object bytes = f.carried();
        if (bytes != null) {
            f.carried(null);
            ReferenceCountUtil.safeRelease(bytes);
        }
    }
}
