package dev.conduit.core.internal;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Idle;
import dev.conduit.core.spi.Link;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A channel's {@code receive()}: takes the hand-off slot without the lock, spins as the channel's {@link Idle}
 * allows (reading on this thread through {@link Link#readNow} meanwhile), then parks under the channel's shared lock
 * until a message, the close or the deadline. See "Reading on the receiver's thread" in {@code core/CONCURRENCY.md}.
 *
 * <p>Threads and guards (its row of the guard table): any number of receivers at once. The queue of parked threads is
 * guarded by the shared lock (given to the constructor); a message unparks the oldest, a close or a handler every
 * one. {@link #parkedReceivers} counts threads parked or about to park; it is changed under the lock and read without
 * it by the transport's thread after it filled the hand-off slot, so that one of the two sees the other.
 */
final class PullReceiver<T> {
    /** How long {@link Idle#BACKOFF} spins and yields before it blocks. */
    private static final long BACKOFF_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /** How much of {@link #BACKOFF_SPIN_NANOS} is a pure spin; the rest yields between looks. */
    private static final long BACKOFF_PURE_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(5);

    private final ReentrantLock lock;
    private final InboundQueue<T> queue;
    private final ChannelSettings settings;
    private final DefaultChannel<T> channel;
    /** Set once, by {@link #attach}, before any frame arrives. */
    private Link link;

    /**
     * Threads parked in {@link #receive}, oldest first; guarded by {@link #lock}. Parking rather than a condition's
     * await allocates nothing per wait.
     */
    private final ArrayDeque<Thread> receivers = new ArrayDeque<>(4);
    /** Threads parked (or about to park) in {@link #receive}; changed under {@link #lock}, read by the hand-off. */
    private volatile int parkedReceivers;

    PullReceiver(ReentrantLock lock, InboundQueue<T> queue, ChannelSettings settings, DefaultChannel<T> channel) {
        this.lock = lock;
        this.queue = queue;
        this.settings = settings;
        this.channel = channel;
    }

    void attach(Link l) {
        this.link = l;
    }

    /** Whether a thread is parked in {@link #receive}, or about to park; a look without the lock. */
    boolean anyParked() {
        return parkedReceivers != 0;
    }

    @Nullable
    T receive(Duration timeout) throws InterruptedException {
        if (!queue.pushMode) {
            T handed = queue.takeHandoff();
            if (handed != null) {
                return handed;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        // In push mode there is nothing to wait for: the locked path below reports the misuse at once.
        Idle idle = queue.pushMode ? Idle.BLOCK : settings.idle();
        if (idle != Idle.BLOCK) {
            spinForMessage(idle, deadline);
            if (!queue.pushMode) {
                T handed = queue.takeHandoff();
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
                if (queue.pushMode) {
                    throw new IllegalStateException(
                            "receive() is not available: " + channel + " is in push mode (onMessage)");
                }
                T handed = queue.takeHandoff(); // older than anything queued
                if (handed != null) {
                    return handed;
                }
                T message = queue.peekLocked();
                if (message != null) {
                    resume = queue.pollLocked();
                    return message;
                }
                CloseReason r = channel.reason;
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
                if (queue.handoff.get() != null) {
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
                    if (queue.hasMessagesLocked()) {
                        wakeOneLocked(); // the message that may have woken this thread is for another
                    }
                    throw new InterruptedException("interrupted in receive on " + channel);
                }
            }
        } finally {
            if (locked) {
                lock.unlock();
            }
            if (resume) {
                queue.applyReadPaused();
            }
        }
    }

    /**
     * The spinning part of {@link #receive}: waits without the lock until a message or the close arrives, {@code
     * idle} allows no more spinning, or the deadline passes. Each turn offers the link to read on this thread
     * ({@link Link#readNow}), which saves the hand-over from the transport's thread.
     */
    private void spinForMessage(Idle idle, long deadline) {
        InboundQueue<T> q = queue;
        if (idle == Idle.SPIN) {
            // The clock is read every 64 turns only: a message must not wait for a clock read to be noticed.
            for (int turn = 1; q.isIdle() && channel.reason == null; turn++) {
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
        while (q.isIdle() && channel.reason == null) {
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

    /** Unparks the longest-waiting thread in {@link #receive}, if any; the caller holds the lock. */
    void wakeOneLocked() {
        Thread t = receivers.poll();
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Unparks every thread in {@link #receive}; the caller holds the lock. */
    void wakeAllLocked() {
        Thread t;
        while ((t = receivers.poll()) != null) {
            LockSupport.unpark(t);
        }
    }
}
