package dev.conduit.ipc.shm.internal;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The sending half of a link. Senders are serialized by a spin flag ({@link #lock}; measured against a
 * {@code ReentrantLock} and a compare-and-set claim for several producers: see {@code ipc/SHM.md}), which keeps the
 * ring single-writer and preserves each sender's order across the ring-full case. The flag is held only while
 * bytes are copied into the ring, never while waiting for space, and never while a callback runs.
 *
 * <p>Every access to the ring's memory, the wake-up check included, happens while the flag is held, and closing takes
 * the flag for good ({@link #CLOSED}): once {@link #close} has returned no sender can touch the mapping, which may
 * then be unmapped.
 *
 * <p>{@link #writeNow} is the fast path core takes first: it copies a frame that fits into the ring at once and
 * leaves the frame with its caller, so that a message costs no reference counting and no callback.
 *
 * <p>A write goes straight into the ring when it has room and completes at once. When the ring is full the frame
 * waits in {@link #pending} (core's {@code sendLimit} bounds how much can wait) and completes when the poller has
 * copied it in; so a stalled reader makes the sender's pending bytes grow until core reports it unwritable. Waiting
 * entries are recycled, so a backed-up link allocates nothing in steady state.
 */
final class ShmOutbound extends LinePadding {
    /** A frame waiting for ring space. */
    private static final class Pending {
        @Nullable
        ByteBuf frame;

        @Nullable
        WriteCallback callback;
    }

    private static final int MAX_SPARE = 1024;

    private final ShmLink link;
    private final boolean selfMayPark;
    /** Spins before a contended {@link #lock} starts yielding its thread. */
    private static final int LOCK_SPINS = 128;

    private static final int FREE = 0;
    private static final int HELD = 1;
    /** The flag's value once closed: nobody takes it again, so nobody touches the ring again. */
    private static final int CLOSED = 2;

    /**
     * {@link #HELD} while a thread holds the writing flag; see {@link #lock}. Padded: senders write it for every
     * message, and the poller reads {@link #hasPending} beside it every round.
     */
    private final PaddedFlag busy = new PaddedFlag();

    /** Null once closed, which drops this side's reference to the mapping. Guarded by {@link #lock}. */
    private @Nullable RingWriter ring;

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final ArrayDeque<Pending> spare = new ArrayDeque<>();
    /** Bytes of the first pending frame already in the ring (its first fragments). */
    private int pendingOffset;

    private @Nullable CloseReason closed;
    /** {@link #closed}, for senders that find the flag closed and so cannot read it under the flag. */
    private volatile @Nullable CloseReason closedReason;

    private volatile boolean hasPending;

    /** Poller-thread scratch lists of frames to complete outside the lock. */
    private final List<ByteBuf> completed = new ArrayList<>();

    private final List<WriteCallback> completedCallbacks = new ArrayList<>();

    ShmOutbound(ShmLink link, RingWriter ring, boolean selfMayPark) {
        this.link = link;
        this.ring = ring;
        this.selfMayPark = selfMayPark;
    }

    /**
     * Takes the writing flag: a compare-and-set when nobody holds it, which is the usual case and costs one atomic
     * less than a lock's release; spins, then yields, while another sender copies. False once closed.
     */
    private boolean lock() {
        return busy.compareAndSet(FREE, HELD) || lockContended();
    }

    private boolean lockContended() {
        for (int spins = 0; ; spins++) {
            int state = busy.getOpaque();
            if (state == CLOSED) {
                return false;
            }
            if (state == FREE && busy.compareAndSet(FREE, HELD)) {
                return true;
            }
            if (spins < LOCK_SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private boolean tryLock() {
        return busy.compareAndSet(FREE, HELD);
    }

    private void unlock() {
        busy.setRelease(FREE);
    }

    /**
     * Copies {@code frame} into the ring now if nothing is waiting before it and it fits whole, and returns whether
     * it did; the caller keeps {@code frame} either way. Any thread.
     */
    boolean writeNow(ByteBuf frame) {
        if (hasPending || !lock()) {
            return false; // closed: the write that follows reports it
        }
        boolean wrote;
        boolean wake = false;
        try {
            RingWriter w = ring;
            wrote = w != null && closed == null && pending.isEmpty() && w.writeWhole(frame);
            wake = wrote && link.claimReaderWakeUp(w);
        } catch (InternalError e) {
            link.memoryFault(e); // a fault on the ring's memory (the peer truncated the file): the poller finds out
            return false;
        } catch (RuntimeException e) {
            // The same failure meets the write that follows, which reports it and closes the link.
            return false;
        } finally {
            unlock();
        }
        if (wake) {
            link.sendWake();
        }
        return wrote;
    }

    /** Any thread. */
    void write(ByteBuf frame, WriteCallback callback) {
        boolean done = false;
        boolean wake = false;
        CloseReason refused = null;
        Throwable failure = null;
        if (!lock()) {
            refused = closedReason();
        } else {
            try {
                refused = closed;
                RingWriter w = ring;
                if (refused == null && w != null) {
                    if (pending.isEmpty()) {
                        int length = frame.readableBytes();
                        int offset = w.write(frame, 0);
                        if (offset != length && selfMayPark) {
                            // Ask for a wake-up, then look again: the reader may have freed space before it saw the
                            // flag.
                            w.setWaiting(true);
                            offset = Math.max(offset, w.write(frame, Math.max(offset, 0)));
                        }
                        wake = offset >= 0 && link.claimReaderWakeUp(w);
                        done = offset == length;
                        if (!done) {
                            pendingOffset = Math.max(offset, 0);
                        }
                    }
                    if (!done) {
                        enqueue(frame, callback);
                    }
                }
            } catch (RuntimeException | InternalError e) {
                refused = null;
                failure = e;
            } finally {
                unlock();
            }
        }
        if (failure != null) {
            frame.release();
            callback.writeComplete(failure);
            if (failure instanceof InternalError e) {
                link.memoryFault(e);
            } else {
                link.close();
            }
            return;
        }
        if (refused != null) {
            frame.release();
            callback.writeComplete(new ChannelClosedException(refused));
            return;
        }
        if (wake) {
            link.sendWake();
        }
        if (done) {
            frame.release();
            callback.writeComplete(null);
        }
    }

    /** The reason given at close, for a sender that finds the flag closed; read after the flag, so it is set. */
    private CloseReason closedReason() {
        CloseReason r = closedReason;
        return r != null ? r : CloseReason.LOCAL;
    }

    private void enqueue(ByteBuf frame, WriteCallback callback) {
        Pending p = spare.poll();
        if (p == null) {
            p = new Pending();
        }
        p.frame = frame;
        p.callback = callback;
        pending.add(p);
        hasPending = true;
    }

    /**
     * Copies waiting frames into the ring; poller thread. Returns whether anything moved. {@code beforeCallbacks}
     * runs before the writes' callbacks, which are core's code.
     */
    boolean flush(Runnable beforeCallbacks) {
        if (!hasPending || !tryLock()) {
            return false;
        }
        boolean published = false;
        boolean wake = false;
        try {
            RingWriter w = ring;
            boolean flagged = false;
            Pending p;
            while (w != null && (p = pending.peek()) != null) {
                ByteBuf frame = Objects.requireNonNull(p.frame);
                int offset = w.write(frame, pendingOffset);
                if (offset >= 0) {
                    published = true;
                }
                if (offset == frame.readableBytes()) {
                    pending.poll();
                    pendingOffset = 0;
                    completed.add(frame);
                    completedCallbacks.add(Objects.requireNonNull(p.callback));
                    recycle(p);
                    continue;
                }
                pendingOffset = Math.max(offset, pendingOffset);
                if (flagged || !selfMayPark) {
                    break;
                }
                w.setWaiting(true);
                flagged = true;
            }
            wake = published && w != null && link.claimReaderWakeUp(w);
            hasPending = !pending.isEmpty();
        } finally {
            unlock();
        }
        if (wake) {
            link.sendWake();
        }
        if (!completed.isEmpty()) {
            beforeCallbacks.run();
            completeAll(null);
        }
        return published;
    }

    /** Whether frames wait for ring space; a hint for the poller. */
    boolean hasPending() {
        return hasPending;
    }

    private void recycle(Pending p) {
        p.frame = null;
        p.callback = null;
        if (spare.size() < MAX_SPARE) {
            spare.add(p);
        }
    }

    private void completeAll(@Nullable Throwable error) {
        for (int i = 0; i < completed.size(); i++) {
            completed.get(i).release();
            completedCallbacks.get(i).writeComplete(error);
        }
        completed.clear();
        completedCallbacks.clear();
    }

    /**
     * Refuses further writes and fails the waiting ones with {@code reason}; poller thread. Takes the writing flag for
     * good, so when this returns no sender is in the ring and none will enter it again.
     */
    void close(CloseReason reason) {
        if (!lock()) {
            return;
        }
        try {
            closed = reason;
            closedReason = reason;
            ring = null;
            Pending p;
            while ((p = pending.poll()) != null) {
                completed.add(Objects.requireNonNull(p.frame));
                completedCallbacks.add(Objects.requireNonNull(p.callback));
            }
            spare.clear();
            hasPending = false;
        } finally {
            busy.setRelease(CLOSED);
        }
        completeAll(new ChannelClosedException(reason));
    }
}
