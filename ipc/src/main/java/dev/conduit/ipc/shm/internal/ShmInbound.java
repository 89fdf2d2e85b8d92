package dev.conduit.ipc.shm.internal;

import dev.conduit.core.spi.LinkListener;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * The receiving half of a link: decides which thread reads the inbound ring, and hands what it reads to a {@link
 * RecordAssembler}, which makes messages of the records for core. Any record that does not fit the protocol is a
 * {@link dev.conduit.core.FramingException}, which closes the link.
 *
 * <p>Two kinds of thread read: the poller, and threads that wait in {@code receive} ({@link #readNow}), which saves
 * the hand-over between the two. The {@link #reading} flag lets one thread in at a time, and its release and acquire
 * order each reader's work before the next one's, so the listener's calls stay one at a time and in order:
 *
 * <ul>
 *   <li>{@link #FREE}: the poller reads, taking the flag ({@link #POLLER}) for one batch when it sees a record, so an
 *       idle link costs it no atomic operation.
 *   <li>{@link #CLAIMED}: a receiver waits here, and the poller leaves the ring to it. A waiting receiver takes the
 *       flag ({@link #RECEIVER}) for each batch, and puts the claim back after it. The claim outlives the wait, so
 *       that request-reply does not write the flag twice per message: the poller looks at a claimed ring (even at
 *       the flag, which the receiver writes) only every few thousand rounds, and takes the claim away when a record
 *       is waiting there. A receiver gives the claim up ({@link #endReadNow}) before it sleeps, and tells the poller
 *       to look at once; the poller takes it to park, to close, or to see whether a peer that said goodbye has been
 *       read to the end.
 * </ul>
 *
 * <p>Every access to the ring's memory happens while the flag is held (the poller's look for a record before it
 * takes the flag is the one exception, and closing happens on the poller thread), and closing takes the flag for
 * good: once {@link #close} has returned no thread can touch the mapping, which may then be unmapped.
 */
final class ShmInbound extends LinePadding {
    /** What the receiving half needs from its link. */
    interface Owner {
        /** Called after space was freed in the inbound ring: rouses the peer's writer if it waits for space. */
        void wakeWriter(RingReader ring);

        /** A receiver gave its claim on the ring back: the poller must look at the ring at once. */
        void claimReleased();

        /**
         * A receiver met a record the protocol forbids, or a fault on the ring's memory: the link must close with
         * {@code error}.
         */
        void failFromReceiver(Throwable error);

        /**
         * The poller is about to call the listener (core's code) after it touched ring memory: a fault on the memory
         * of another link must be thrown before that ({@link MemoryFaults}). Poller thread.
         */
        void beforeDelivery();
    }

    private static final int FREE = 0;
    private static final int POLLER = 1;
    private static final int RECEIVER = 2;
    private static final int CLAIMED = 3;

    private final Owner link;
    private final int pollBytes;
    /** Who reads the ring; see the class comment. Padded: written for every message. */
    private final PaddedFlag reading = new PaddedFlag();

    /** Makes messages of the records read; used by whichever thread holds the reading flag. */
    private final RecordAssembler records;

    /* Guarded by the reading flag; written by whichever thread holds it. */
    private @Nullable RingReader ring;

    /** Set once, by {@link #start}; null until then, and nobody reads. */
    volatile @Nullable LinkListener listener;

    private volatile boolean paused;
    /** Set once the link closes or the peer said goodbye: receivers stop reading, and leave it to the poller. */
    private volatile boolean ending;
    /* Poller thread; written only when they change. */
    private boolean parked;
    /** The poller saw a receiver's claim, and looks at this ring again only in a sweep (or when told). */
    private boolean leftToReceivers;

    ShmInbound(Owner link, RingReader ring, ByteBufAllocator allocator, int maxFrame) {
        this.link = link;
        this.ring = ring;
        this.records = new RecordAssembler(this, allocator, maxFrame);
        // Small batches hand space back to the writer early, so that it rarely finds the ring full.
        this.pollBytes = Math.min(32 << 10, ring.capacity() / 4);
    }

    /** Sets the pause state; returns whether it changed. Any thread. */
    boolean setPaused(boolean pause) {
        if (paused == pause) {
            return false;
        }
        paused = pause;
        return true;
    }

    /** Whether reading is paused. Any thread. */
    boolean isPaused() {
        return paused;
    }

    /** Gives the runtime's listener, before the poller starts on this link; nothing is read before. */
    void start(LinkListener l) {
        listener = l;
    }

    /** The link is closing or the peer said goodbye: from now on only the poller reads. Any thread. */
    void end() {
        ending = true;
    }

    /** Whether {@link #end} or {@link #close} has begun. */
    boolean isEnding() {
        return ending;
    }

    /**
     * The poller's read: what has arrived, unless paused or another thread reads; returns whether anything was read.
     * A ring that a receiver claimed is looked at only when {@code sweep} is set.
     */
    boolean poll(boolean sweep) {
        if (leftToReceivers && !sweep) {
            return false; // the claim's flag is not even read: the receiver writes it for every message
        }
        int state = reading.getOpaque();
        boolean claimed = state == CLAIMED;
        if (claimed != leftToReceivers) {
            leftToReceivers = claimed; // only when it changes: receivers read this object's other fields
        }
        if (listener == null || !(state == FREE || (claimed && sweep))) {
            return false;
        }
        RingReader r = ring;
        if (paused || r == null || !r.mayHaveRecord() || !reading.compareAndSet(state, POLLER)) {
            return false;
        }
        if (claimed) {
            leftToReceivers = false;
        }
        int read;
        try {
            r = ring; // null once closed
            if (r == null) {
                return false;
            }
            link.beforeDelivery();
            read = r.poll(records, pollBytes);
            if (read != 0) {
                link.wakeWriter(r);
            }
        } finally {
            reading.setRelease(FREE); // a claim the poller took back is gone: the receiver has stopped waiting
        }
        return read != 0;
    }

    /** Whether {@link #poll} with {@code sweep} would look at the ring's memory. Poller thread. */
    boolean pollerLooks(boolean sweep) {
        return !leftToReceivers || sweep;
    }

    /**
     * A read by a thread waiting in {@code receive}; see {@link dev.conduit.core.spi.Link#readNow}. A record the
     * protocol forbids closes the link, on the poller, with the error; the caller sees the close.
     *
     * <p>What a receiver reads is zeroed and given back to the writer at its next call, not at once: the receiver is
     * usually about to reply, and zeroing writes the lines the writer has just written, whose ownership must come
     * back from the writer's core first; the next atomic operation (on the way to the reply) would wait for that. The
     * next call comes while the receiver waits again, and what is still owed when the claim ends ({@link
     * #endReadNow}, or the poller takes the ring) is released then. At most one batch is owed, a quarter of the ring
     * at most, so the writer always has room for a record.
     */
    boolean readNow() {
        int state = reading.getOpaque();
        if (state == FREE) {
            if (ending || listener == null || !reading.compareAndSet(FREE, CLAIMED)) {
                return false;
            }
        } else if (state != CLAIMED) {
            return false;
        } else if (ending) {
            endReadNow();
            return false;
        }
        if (paused || ring == null) {
            return false;
        }
        // The flag first, then the ring's memory: a close takes the flag for good and then unmaps.
        if (!reading.compareAndSet(CLAIMED, RECEIVER)) {
            return false;
        }
        int after = FREE;
        int read = 0;
        try {
            RingReader r = ring;
            if (r == null) {
                return false;
            }
            boolean record = r.hasRecord();
            if (record || r.owesSpace()) {
                long owed = r.position(); // what was read before this call
                if (record) {
                    read = r.read(records, pollBytes);
                }
                if (r.releaseUpTo(owed)) {
                    link.wakeWriter(r);
                }
            }
            after = CLAIMED;
        } catch (RuntimeException | InternalError e) {
            ending = true;
            link.failFromReceiver(e);
            return false;
        } finally {
            reading.setRelease(after);
        }
        return read != 0;
    }

    /**
     * Gives a receiver's claim back to the poller, for example before the receiver sleeps, with the space the
     * receiver still owed the writer. Any thread.
     */
    void endReadNow() {
        if (reading.getOpaque() != CLAIMED) {
            return;
        }
        RingReader r = ring;
        if (r != null && r.owesSpace()) {
            if (!reading.compareAndSet(CLAIMED, RECEIVER)) {
                return;
            }
            try {
                r = ring;
                if (r != null && r.release()) {
                    link.wakeWriter(r);
                }
            } catch (RuntimeException | InternalError e) {
                ending = true;
                link.failFromReceiver(e);
            } finally {
                reading.setRelease(FREE);
            }
        } else if (!reading.compareAndSet(CLAIMED, FREE)) {
            return;
        }
        link.claimReleased();
    }

    /**
     * Takes the flag for the poller, from a receiver's claim too; false if a thread reads just now. Unless {@code
     * touchMemory} is false (the ring's pages are gone), gives the writer what a receiver still owed it.
     */
    private boolean take(boolean touchMemory) {
        int state = reading.getOpaque();
        if ((state == FREE || state == CLAIMED) && reading.compareAndSet(state, POLLER)) {
            if (leftToReceivers) {
                leftToReceivers = false;
            }
            RingReader r = ring;
            if (touchMemory && r != null && r.release()) { // what a receiver still owed
                link.wakeWriter(r);
            }
            return true;
        }
        return false;
    }

    /**
     * Whether everything the peer published has been delivered (so a peer's goodbye can close the link now); false
     * while another thread reads. Poller thread.
     */
    boolean drained() {
        if (!take(true)) {
            return false;
        }
        try {
            RingReader r = ring;
            return r == null || (!paused && !r.hasRecord());
        } finally {
            reading.setRelease(FREE);
        }
    }

    /**
     * Flags the ring parked before the poller sleeps; false if there is work, or another thread reads. A receiver's
     * claim ends here: a sleeping poller cannot look at claimed rings, so a receiver that waits on takes it anew.
     */
    boolean park() {
        if (!take(true)) {
            return false;
        }
        try {
            RingReader r = ring;
            if (paused || r == null) {
                return true;
            }
            parked = r.park();
            return parked;
        } finally {
            reading.setRelease(FREE);
        }
    }

    /** Clears the parked flag after the poller woke; poller thread. */
    void unpark() {
        RingReader r = ring;
        if (parked && r != null) {
            r.unpark();
        }
        parked = false;
    }

    /**
     * Drops the ring and any half-assembled message; poller thread. Waits for a receiver that is reading to finish
     * (it gives the flag up at its next {@link #readNow}), so that nothing is delivered after this returns and the
     * link's close comes after its last message. The flag stays taken: when this returns, no thread touches the ring
     * again. {@code touchMemory} is false when the ring's pages are gone (the peer truncated the file): nothing more
     * is written to them then. Idempotent.
     */
    void close(boolean touchMemory) {
        if (ring == null) {
            return; // closed before; only the closing thread writes this
        }
        ending = true;
        while (!take(touchMemory)) {
            Thread.onSpinWait();
        }
        if (touchMemory) {
            unpark();
        }
        parked = false;
        ring = null;
        records.discard();
    }
}
