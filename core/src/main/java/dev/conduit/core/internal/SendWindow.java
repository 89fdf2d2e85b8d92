package dev.conduit.core.internal;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A channel's outbound bytes in flight and its writability: counts what senders handed to the link until the link's
 * write completes, turns the channel unwritable at the high watermark and writable again at the low one, and refuses
 * a send past {@code sendLimit}.
 *
 * <p>Threads and guards (its row of the guard table): the pending byte count is an {@link AtomicLong}, as the send
 * path and the transport's write completions race; the channel's shared lock (given to the constructor) is taken only
 * when a watermark is crossed, and guards the writability future, with a {@link Condition} on that lock for {@link
 * #awaitWritable}. {@link #writable} is volatile and changed under the lock. The close state is the channel's; a close
 * calls {@link #closedLocked} under the lock.
 */
final class SendWindow {
    private final ReentrantLock lock;
    /** Signalled when the channel turns writable or closes: {@link #awaitWritable} waits on it. */
    private final Condition changed;

    private final ChannelSettings settings;
    private final FramePool<?> pool;
    private final DefaultChannel<?> channel;

    private final AtomicLong pending = new AtomicLong();
    private volatile boolean writable = true;
    /** Guarded by {@link #lock}. */
    private @Nullable CompletableFuture<Void> writableFuture;

    SendWindow(ReentrantLock lock, ChannelSettings settings, FramePool<?> pool, DefaultChannel<?> channel) {
        this.lock = lock;
        this.changed = lock.newCondition();
        this.settings = settings;
        this.pool = pool;
        this.channel = channel;
    }

    /** Counts {@code size} pending bytes unless that would pass {@code sendLimit} with something already pending. */
    boolean reserve(int size) {
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

    /** A write of {@code size} bytes completed. */
    void released(int size) {
        long now = pending.addAndGet(-size);
        if (now <= settings.lowWater() && !writable) {
            updateWritability();
        }
        if (now == 0) {
            pool.trimIfLarge();
        }
    }

    long pendingBytes() {
        return pending.get();
    }

    boolean isWritable() {
        return writable;
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

    CompletableFuture<Void> whenWritable() {
        lock.lock();
        try {
            CloseReason r = channel.reason;
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

    boolean awaitWritable(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                CloseReason r = channel.reason;
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

    /**
     * The channel has closed: wakes every thread in {@link #awaitWritable} and returns the writability future, which
     * the caller fails once it has let go of the lock. The caller holds the lock.
     */
    @Nullable
    CompletableFuture<Void> closedLocked() {
        changed.signalAll();
        CompletableFuture<Void> toFail = writableFuture;
        writableFuture = null;
        return toFail;
    }
}
