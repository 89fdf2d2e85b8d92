package dev.conduit.core.internal;

import dev.conduit.core.spi.Link;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A channel's received messages not yet delivered: the queue with its byte count, which pauses the link's reading when
 * it passes the receive buffer, and the one-message hand-off slot that passes a message to {@code receive()} without
 * the lock. See "Without the lock" in {@code core/CONCURRENCY.md}.
 *
 * <p>Threads and guards (its rows of the guard table): the queue, its weights and byte count are guarded by the
 * channel's shared lock, which the callers of the {@code *Locked} methods hold; {@link #queued} mirrors the queue's size
 * in a volatile for lock-free looks. The hand-off slot ({@link #handoff}) is volatile, on cache lines of its own: only
 * the transport's thread fills it, a receiver or a delivery takes it by compare-and-set, a local close empties it.
 * {@link #dropUndelivered} and {@link #pushMode} are volatile and set under the lock. The read-paused state the link
 * was told is applied by whoever takes the work-in-progress counter {@link #pauseWip} from 0, outside the lock, so a
 * pause can never overtake a later resume.
 */
final class InboundQueue<T> {
    /** Bytes charged per queued message beyond its size, so that empty messages still count. */
    static final int MESSAGE_OVERHEAD = 32;

    private final ChannelSettings settings;
    /** Set once, by {@link #attach}, before any frame arrives. */
    private Link link;

    private final ArrayDeque<T> inbound = new ArrayDeque<>();
    private final IntQueue weights = new IntQueue();
    private long inboundBytes;
    /** The queue's size, for looks without the lock. */
    private volatile int queued;
    /**
     * One received message passed to {@code receive} without the lock: the transport's thread puts a message here only
     * when the slot is empty, nothing is queued and no handler is set, so it is always older than everything in
     * {@link #inbound}. Taken by compare-and-set (by a receiver, or by the delivery once a handler is set); emptied by
     * a local close. Padded, as it is written by two threads for every message. Only a message smaller than the
     * receive buffer goes here (a larger one must pause reading at once), and its weight counts when later messages
     * are queued behind it.
     */
    final PaddedReference<T> handoff = new PaddedReference<>();
    /** The weight of the message in {@link #handoff}; written and read by the transport's thread only. */
    private int handoffWeight;
    /**
     * Set, under the lock, by a close decided here: a message that reaches the hand-off slot after it (the filler
     * raced with the close) is dropped, as the close dropped the queue, instead of being taken.
     */
    private volatile boolean dropUndelivered;
    /** Set, under the lock, once a handler is set: the hand-off slot is then no longer filled. */
    volatile boolean pushMode;

    private volatile boolean wantPaused;
    private boolean appliedPaused;
    private final AtomicInteger pauseWip = new AtomicInteger();

    InboundQueue(ChannelSettings settings) {
        this.settings = settings;
    }

    void attach(Link l) {
        this.link = l;
    }

    /** Whether nothing is queued and the slot is empty; a look without the lock. */
    boolean isIdle() {
        return queued == 0 && handoff.get() == null;
    }

    /** Whether anything is queued; a look without the lock. */
    boolean hasQueued() {
        return queued != 0;
    }

    /**
     * Whether a message of {@code size} bytes may go to the hand-off slot: pull mode, nothing waiting, and smaller
     * than the receive buffer. The transport's thread; the caller checks the close.
     */
    boolean mayHandOff(int size) {
        return !pushMode && handoff.get() == null && queued == 0 && size + MESSAGE_OVERHEAD < settings.receiveBuffer();
    }

    /** Leaves {@code message} in the hand-off slot, after {@link #mayHandOff}. The transport's thread. */
    void handOff(T message, int size) {
        int weight = size + MESSAGE_OVERHEAD;
        if (handoffWeight != weight) {
            handoffWeight = weight; // only when it changes: the receiver spins on fields beside it
        }
        handoff.set(message);
    }

    /** Takes the message in the hand-off slot, if there is one and no local close has dropped it. */
    @Nullable
    T takeHandoff() {
        T m = handoff.get();
        return m != null && handoff.compareAndSet(m, null) && !dropUndelivered ? m : null;
    }

    /** Empties the slot if it still holds {@code message}: a close raced with its filling. */
    void dropHandedOff(T message) {
        handoff.compareAndSet(message, null);
    }

    /** Whether a message is queued or in the slot; the caller holds the lock. */
    boolean hasMessagesLocked() {
        return !inbound.isEmpty() || handoff.get() != null;
    }

    boolean isEmptyLocked() {
        return inbound.isEmpty();
    }

    /** Queues a message; the caller holds the lock. Returns whether reading must pause (then call {@link #applyReadPaused}). */
    boolean addLocked(T message, int size) {
        int weight = size + MESSAGE_OVERHEAD;
        inbound.add(message);
        weights.add(weight);
        inboundBytes += weight;
        queued = inbound.size();
        long held = handoff.get() != null ? handoffWeight : 0;
        if (!wantPaused && inboundBytes + held >= settings.receiveBuffer()) {
            wantPaused = true;
            return true;
        }
        return false;
    }

    /** The oldest queued message, left in the queue; the caller holds the lock. */
    @Nullable
    T peekLocked() {
        return inbound.peek();
    }

    /** Removes the head of the queue; the caller holds the lock. Returns whether reading should resume. */
    boolean pollLocked() {
        inbound.poll();
        inboundBytes -= weights.remove();
        queued = inbound.size();
        if (wantPaused && inboundBytes <= settings.receiveBuffer() / 2) {
            wantPaused = false;
            return true;
        }
        return false;
    }

    /** A close decided here: whatever has not been delivered yet is dropped. The caller holds the lock. */
    void dropAllLocked() {
        inbound.clear();
        dropUndelivered = true;
        handoff.set(null);
        weights.clear();
        inboundBytes = 0;
        queued = 0;
    }

    /** Applies the wish to pause or resume to the link; re-entrant calls are folded into the running one. */
    void applyReadPaused() {
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
}
