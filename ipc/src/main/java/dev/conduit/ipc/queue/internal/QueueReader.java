package dev.conduit.ipc.queue.internal;

import dev.conduit.core.spi.LinkListener;
import dev.conduit.ipc.queue.RecordsLostException;
import dev.conduit.ipc.queue.internal.ReaderPosition.Position;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import org.jspecify.annotations.Nullable;

/**
 * The reading half of a queue link with a named reader: the {@link Tailer} hands messages to the runtime, and the
 * reader's stored position advances only when the runtime reports a message delivered ({@link #delivered}), so a
 * reader killed before that gets the message again. Between the two, each message's position waits in a ring; a
 * full ring (the application is far behind) stops reading until deliveries catch up, like a pause.
 *
 * <p>Threads: {@link #poll} and {@link #close} on the poller thread; {@link #delivered} on whichever thread delivered
 * (several, when several threads receive), serialized by a flag of its own; {@link #setPaused} anywhere.
 */
final class QueueReader implements Tailer.Delivery {
    private static final int RING = 1 << 12;
    private static final int MASK = RING - 1;
    /** Messages read per poll of one link: enough to amortize a round, few enough to be fair between links. */
    private static final int BATCH = 256;

    private static final VarHandle ACKED;
    private static final VarHandle ACKING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACKED = lookup.findVarHandle(QueueReader.class, "acked", long.class);
            ACKING = lookup.findVarHandle(QueueReader.class, "acking", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final QueueDirectory dir;
    private final String queue;
    private final ReaderPosition position;
    private final Tailer tailer;
    private final long startIndex;

    /* The ring of positions after each message handed on and not yet delivered. */
    private final long[] segments = new long[RING];
    private final int[] offsets = new int[RING];
    private final long[] sequences = new long[RING];
    /** Written by the poller thread only. */
    private long pushed;
    /** Written under {@link #acking}; read by the poller thread. */
    private volatile long acked;

    private volatile int acking;
    /** Set by {@link #close}; guarded by {@link #acking}. */
    private boolean closed;

    private volatile boolean paused;
    private @Nullable LinkListener listener;

    private QueueReader(QueueDirectory dir, String queue, ReaderPosition position, Tailer tailer) {
        this.dir = dir;
        this.queue = queue;
        this.position = position;
        this.tailer = tailer;
        this.startIndex = tailer.nextIndex();
    }

    /**
     * Takes reader {@code name} and positions it: at its stored position, or where {@code from} says for a reader
     * that has none.
     *
     * @throws RecordsLostException if retention deleted the segment of its stored position (which then moves on)
     * @throws IOException if the reader is in use, {@code from} names an index not in the queue, or a file is bad
     */
    static QueueReader open(QueueDirectory dir, String queue, String name, String from, int maxFrame)
            throws IOException {
        ReaderPosition position = ReaderPosition.open(dir, name, true);
        boolean ok = false;
        try {
            position.acquire();
            Position stored = position.read();
            Position start = stored != null ? stored : Positions.from(dir, from);
            SegmentFile segment;
            while (true) {
                try {
                    segment = dir.open(start.segment(), true);
                    break;
                } catch (NoSuchFileException e) {
                    if (stored == null) {
                        // Retention deleted the segment `from` chose, just now: a reader without a position lost
                        // nothing, and chooses again among the segments left.
                        start = Positions.from(dir, from);
                        continue;
                    }
                    RecordsLostException lost =
                            LostRecords.segmentGone(queue, name, start.segment(), start.index(), dir);
                    long resume = SegmentDescriptor.segmentOf(lost.resumeAt());
                    position.store(resume, 0, 0);
                    throw lost;
                }
            }
            Tailer tailer =
                    new Tailer(dir, Tailer.of(dir), queue, name, segment, start.offset(), start.sequence(), maxFrame);
            ok = true;
            return new QueueReader(dir, queue, position, tailer);
        } finally {
            if (!ok) {
                position.close();
            }
        }
    }

    /** Attaches the runtime's listener; nothing is read before. */
    void start(LinkListener l) {
        listener = l;
    }

    void setPaused(boolean pause) {
        paused = pause;
    }

    /**
     * Reads a batch, unless paused or too far ahead of deliveries; poller thread. Returns how many messages it read.
     *
     * @throws RecordsLostException (after moving the stored position past the loss), or what {@link Tailer#poll}
     *     throws for a corrupt or oversized record
     */
    int poll() throws IOException {
        if (paused || listener == null) {
            return 0;
        }
        int room = RING - (int) (pushed - acked);
        if (room <= 0) {
            return 0;
        }
        try {
            return tailer.poll(this, Math.min(room, BATCH));
        } catch (RecordsLostException e) {
            waitForDeliveries();
            position.store(SegmentDescriptor.segmentOf(e.resumeAt()), 0, 0);
            throw e;
        }
    }

    /** Whether a record is there to read; a hint for the poller before it parks. */
    boolean hasRecord() {
        return !paused && listener != null && pushed - acked < RING && tailer.hasRecord();
    }

    @Override
    public boolean onMessage(ByteBuffer payload, long segment, int end, long sequence) {
        int slot = (int) pushed & MASK;
        segments[slot] = segment;
        offsets[slot] = end;
        sequences[slot] = sequence;
        pushed++;
        LinkListener l = listener;
        if (l != null) {
            l.onFrame(payload);
        }
        return !paused && pushed - acked < RING;
    }

    /** The application has the oldest message not yet reported: store the position after it. Any thread. */
    void delivered() {
        lockAcks();
        try {
            long n = acked;
            if (n == pushed()) {
                return; // nothing handed on is outstanding: a report the runtime owed a closed link
            }
            int slot = (int) n & MASK;
            position.store(segments[slot], offsets[slot], sequences[slot]);
            ACKED.setRelease(this, n + 1);
        } finally {
            ACKING.setRelease(this, 0);
        }
    }

    /** Whether the application has every message handed on; poller thread. */
    boolean allDelivered() {
        return (long) ACKED.getAcquire(this) == pushed;
    }

    /** {@link #pushed} for other threads: its value is published to them by the runtime's hand-over of the message. */
    private long pushed() {
        return pushed;
    }

    /**
     * The index of the next message to deliver: after the last one delivered, else where reading started; -1 once
     * closed. Any thread.
     */
    long deliveryIndex() {
        lockAcks();
        try {
            if (closed) {
                return -1;
            }
            Position p = position.read();
            return p != null ? p.index() : startIndex;
        } finally {
            ACKING.setRelease(this, 0);
        }
    }

    private void lockAcks() {
        while (!ACKING.compareAndSet(this, 0, 1)) {
            Thread.onSpinWait();
        }
    }

    private void waitForDeliveries() {
        // Deliveries of messages already handed on would store positions before the loss after ours: let the
        // application take what it has been given; the close that follows drops what it has not.
        lockAcks();
        ACKED.setRelease(this, pushed);
        ACKING.setRelease(this, 0);
    }

    /** Gives the reader back and unmaps its files; poller thread, after the last poll. */
    void close() {
        lockAcks();
        try {
            closed = true;
            ACKED.setRelease(this, pushed); // later reports find nothing outstanding, and touch no file
            tailer.close();
            position.close();
        } finally {
            ACKING.setRelease(this, 0);
        }
    }

    @Override
    public String toString() {
        return "reader " + position.name() + " of " + queue + " in " + dir;
    }
}
