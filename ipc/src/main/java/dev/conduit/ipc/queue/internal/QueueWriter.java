package dev.conduit.ipc.queue.internal;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.ConduitException;
import dev.conduit.core.FramingException;
import dev.conduit.core.spi.WriteCallback;
import dev.conduit.ipc.queue.QueueOptions.Sync;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Padding ahead of a {@link QueueWriter}'s fields; the JVM lays out a superclass's fields first. */
abstract class QueueWriterPad {
    /** Fills the gap after the object header, where the JVM would otherwise place a subclass's int. */
    int gap;

    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;
}

/**
 * The sending half of a queue link. Senders of one channel take turns through a spin flag (one compare-and-set and
 * one release store per message, as on shm), which keeps the {@link Appender} single-threaded and lets close unmap
 * safely; channels and processes append to the queue concurrently all the same, through the segment's atomic tail.
 *
 * <p>Appends never wait for a reader: the disk is the buffer. With {@code sync=always} a send completes when the
 * {@link Syncer} has synced its record; otherwise at once. The appender (and its mapping) is made on the first send.
 */
final class QueueWriter extends QueueWriterPad {
    private static final VarHandle BUSY;

    static {
        try {
            BUSY = MethodHandles.lookup().findVarHandle(QueueWriter.class, "busy", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int LOCK_SPINS = 128;

    private volatile int busy;
    private final String queue;
    private final QueueDirectory dir;
    private final int segmentSize;
    private final Sync sync;
    /** The runtime's sync thread; null with {@code sync=none}. */
    private final @Nullable Syncer syncer;
    /** With {@code sync=batch}: what this writer tells the syncer; null otherwise. */
    private final Syncer.@Nullable Dirty dirty;

    private final Appender.Preparation preparation;
    private final QueueClock clock;
    private final QueueSignals.Signal signal;

    /* Guarded by busy. */
    private @Nullable Appender appender;
    private @Nullable CloseReason closed;

    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15, q16;

    QueueWriter(
            String queue,
            QueueDirectory dir,
            int segmentSize,
            Sync sync,
            @Nullable Syncer syncer,
            Appender.Preparation preparation,
            QueueClock clock,
            QueueSignals.Signal signal) {
        this.queue = queue;
        this.dir = dir;
        this.segmentSize = segmentSize;
        this.sync = sync;
        this.syncer = syncer;
        this.dirty = sync == Sync.BATCH ? Objects.requireNonNull(syncer).register(dir) : null;
        this.preparation = preparation;
        this.clock = clock;
        this.signal = signal;
    }

    /** The fast path: appends at once unless each send must wait for a sync; false leaves it to {@link #write}. */
    boolean writeNow(ByteBuf frame) {
        if (sync == Sync.ALWAYS) {
            return false;
        }
        long segment;
        lock();
        try {
            if (closed != null) {
                return false;
            }
            segment = appender().append(frame);
        } catch (IOException | RuntimeException e) {
            return false; // the write that follows meets the same failure and reports it
        } finally {
            unlock();
        }
        signal.wake();
        Syncer.Dirty d = dirty;
        if (d != null) {
            Syncer.appended(d, segment);
        }
        return true;
    }

    void write(ByteBuf frame, WriteCallback callback) {
        Throwable failure = null;
        long segment = -1;
        lock();
        try {
            CloseReason reason = closed;
            if (reason != null) {
                failure = new ChannelClosedException(reason);
            } else {
                segment = appender().append(frame);
            }
        } catch (FramingException e) {
            failure = e;
        } catch (IOException | RuntimeException e) {
            failure = new ConduitException("cannot append to " + queue + ": " + IoErrors.describe(e), e);
        } finally {
            unlock();
            frame.release();
        }
        if (failure != null) {
            callback.writeComplete(failure);
            return;
        }
        signal.wake();
        if (sync == Sync.ALWAYS) {
            Objects.requireNonNull(syncer).syncThen(dir, segment, callback);
        } else {
            Syncer.Dirty d = dirty;
            if (d != null) {
                Syncer.appended(d, segment);
            }
            callback.writeComplete(null);
        }
    }

    private Appender appender() throws IOException {
        Appender a = appender;
        if (a == null) {
            a = new Appender(dir, segmentSize, sync != Sync.NONE, preparation, clock);
            appender = a;
        }
        return a;
    }

    /** Refuses further sends and unmaps; waits for a send in progress. */
    void close(CloseReason reason) {
        lock();
        try {
            if (closed == null) {
                closed = reason;
                Appender a = appender;
                appender = null;
                if (a != null) {
                    a.close();
                }
                if (dirty != null) {
                    Objects.requireNonNull(syncer).forget(dirty);
                }
            }
        } finally {
            unlock();
        }
    }

    private void lock() {
        if (!BUSY.compareAndSet(this, 0, 1)) {
            for (int spins = 0; !(busy == 0 && BUSY.compareAndSet(this, 0, 1)); spins++) {
                if (spins < LOCK_SPINS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    private void unlock() {
        BUSY.setRelease(this, 0);
    }
}
