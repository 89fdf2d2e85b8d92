package dev.conduit.rpc.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The frames one call sends, in order, paced by the peer's flow-control credit.
 *
 * <p>Every frame goes through the queue and is written by whichever thread is draining it ({@link #wip}), so frames
 * of one call are never reordered even though the user's thread, the transport thread (credit arriving) and timer
 * threads (deadlines) all push it. A message frame is written only while credit is positive; writing it subtracts
 * its cost, so credit may go negative by up to one message. Frames without a message follow their predecessors
 * without credit. Before {@link #attach} (a client call still waiting for a connection) nothing is written.
 *
 * <p>{@link #abort} drops everything queued and writes one last frame (CANCEL or CALL_END) if given.
 */
final class OutboundQueue {

    /** Where frames go once the call has a connection. */
    interface Sink {
        /** Writes {@code frame}; returns false if it was not written (the sink then fails the call). */
        boolean write(Frame frame);

        /** The call has credit again after having run out. */
        void onReady();
    }

    private final ConcurrentLinkedQueue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicLong credit = new AtomicLong();
    private final AtomicBoolean wantReady = new AtomicBoolean();
    private final AtomicReference<@Nullable Frame> lastFrame = new AtomicReference<>();
    private final AtomicReference<@Nullable Runnable> afterAbort = new AtomicReference<>();
    private volatile @Nullable Sink sink;
    private volatile boolean aborted;
    private volatile boolean lastOnlyIfStarted;
    private boolean started; // guarded by wip

    /** What blocked senders wait on, created by the first sender that has to wait: most calls never do. */
    private record Waiters(ReentrantLock lock, Condition progress) {}

    private static final AtomicReferenceFieldUpdater<OutboundQueue, Waiters> WAITERS =
            AtomicReferenceFieldUpdater.newUpdater(OutboundQueue.class, Waiters.class, "waitersState");

    private volatile @Nullable Waiters waitersState;
    private volatile int waiters;

    /** Connects the queue to its sink with the peer's initial credit, and writes what is queued. */
    void attach(Sink s, long initialCredit) {
        credit.set(initialCredit);
        sink = s;
        drain();
    }

    boolean isAttached() {
        return sink != null;
    }

    /** Queues {@code frame} and writes what credit allows. */
    void add(Frame frame) {
        queue.add(frame);
        drain();
    }

    /** Adds credit granted by the peer. */
    void grant(long increment) {
        credit.addAndGet(increment);
        drain();
    }

    /**
     * Drops every queued frame; then writes {@code last} unless it is null, or {@code onlyIfStarted} and nothing was
     * written yet (a CANCEL for a call the peer never heard of). Idempotent: later calls do nothing.
     */
    void abort(@Nullable Frame last, boolean onlyIfStarted) {
        abort(last, onlyIfStarted, null);
    }

    /**
     * Like {@link #abort(Frame, boolean)}, then runs {@code done} once {@code last} has been written or dropped, on
     * whichever thread drains the queue then: the point after which this call writes nothing more.
     */
    void abort(@Nullable Frame last, boolean onlyIfStarted, @Nullable Runnable done) {
        if (aborted) {
            return;
        }
        lastOnlyIfStarted = onlyIfStarted;
        lastFrame.set(last);
        afterAbort.set(done);
        aborted = true;
        drain();
        signalWaiters();
    }

    boolean isAborted() {
        return aborted;
    }

    /** Whether a message could be written now without waiting for credit. */
    boolean isReady() {
        boolean ready = sink != null && !aborted && credit.get() > 0 && queue.isEmpty();
        if (!ready) {
            wantReady.set(true);
        }
        return ready;
    }

    /**
     * Waits until {@code frame} has been written or the queue is aborted.
     *
     * @return whether the frame was written
     */
    boolean awaitSent(Frame frame) throws InterruptedException {
        if (frame.sent || aborted) {
            return frame.sent;
        }
        Waiters w = waitersState;
        if (w == null) {
            ReentrantLock l = new ReentrantLock();
            WAITERS.compareAndSet(this, null, new Waiters(l, l.newCondition()));
            w = waitersState;
        }
        w.lock().lockInterruptibly();
        try {
            waiters++;
            try {
                while (!frame.sent && !aborted) {
                    // Bounded waits: a defence in depth; the loop re-checks the state either way.
                    w.progress().await(100, TimeUnit.MILLISECONDS);
                }
            } finally {
                waiters--;
            }
        } finally {
            w.lock().unlock();
        }
        return frame.sent;
    }

    private void signalWaiters() {
        Waiters w = waitersState;
        if (waiters > 0 && w != null) {
            w.lock().lock();
            try {
                w.progress().signalAll();
            } finally {
                w.lock().unlock();
            }
        }
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        boolean wroteAny = false;
        int missed = 1;
        do {
            Sink s = sink;
            if (aborted) {
                queue.clear();
                Frame last = lastFrame.getAndSet(null);
                if (last != null && s != null && (started || !lastOnlyIfStarted)) {
                    s.write(last);
                }
                Runnable done = afterAbort.getAndSet(null);
                if (done != null) {
                    done.run();
                }
            } else if (s != null) {
                wroteAny |= writeQueued(s);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
        if (wroteAny) {
            signalWaiters();
        }
        Sink s = sink;
        if (s != null
                && !aborted
                && credit.get() > 0
                && queue.isEmpty()
                && wantReady.get()
                && wantReady.compareAndSet(true, false)) {
            s.onReady();
        }
    }

    private boolean writeQueued(Sink s) {
        boolean wrote = false;
        Frame f;
        while (!aborted && (f = queue.peek()) != null) {
            boolean paced = f.carriesMessage();
            if (paced && credit.get() <= 0) {
                wantReady.set(true);
                break;
            }
            queue.poll();
            if (!s.write(f)) {
                continue;
            }
            started = true;
            if (paced) {
                credit.addAndGet(-f.cost);
            }
            f.sent = true;
            wrote = true;
        }
        return wrote;
    }
}
