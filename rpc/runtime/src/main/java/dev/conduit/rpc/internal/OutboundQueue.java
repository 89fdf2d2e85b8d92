package dev.conduit.rpc.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
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

    /**
     * Frames waiting to be written, made by the first frame that has to wait: most calls write every frame at once
     * ({@link #add}'s fast path) and never need it. Once made it stays, so a thread that read null and then finds it
     * made only has to read it again.
     */
    private volatile @Nullable ConcurrentLinkedQueue<Frame> queue;
    // Plain volatile fields updated through VarHandles rather than one atomic object each: a queue is made for every
    // call, and five atomics were most of its size.
    private volatile int wip;
    private volatile long credit;
    private volatile boolean wantReady;
    private volatile @Nullable Frame lastFrame;
    private volatile @Nullable Runnable afterAbort;
    private volatile @Nullable Sink sink;
    private volatile boolean aborted;
    private volatile boolean lastOnlyIfStarted;
    private boolean started; // guarded by wip

    /** What blocked senders wait on, created by the first sender that has to wait: most calls never do. */
    private record Waiters(ReentrantLock lock, Condition progress) {}

    private static final VarHandle QUEUE;
    private static final VarHandle WIP;
    private static final VarHandle CREDIT;
    private static final VarHandle WANT_READY;
    private static final VarHandle LAST_FRAME;
    private static final VarHandle AFTER_ABORT;
    private static final VarHandle SENT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            QUEUE = l.findVarHandle(OutboundQueue.class, "queue", ConcurrentLinkedQueue.class);
            WIP = l.findVarHandle(OutboundQueue.class, "wip", int.class);
            CREDIT = l.findVarHandle(OutboundQueue.class, "credit", long.class);
            WANT_READY = l.findVarHandle(OutboundQueue.class, "wantReady", boolean.class);
            LAST_FRAME = l.findVarHandle(OutboundQueue.class, "lastFrame", Frame.class);
            AFTER_ABORT = l.findVarHandle(OutboundQueue.class, "afterAbort", Runnable.class);
            SENT = l.findVarHandle(Frame.class, "sent", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final AtomicReferenceFieldUpdater<OutboundQueue, Waiters> WAITERS =
            AtomicReferenceFieldUpdater.newUpdater(OutboundQueue.class, Waiters.class, "waitersState");

    private volatile @Nullable Waiters waitersState;
    private volatile int waiters;

    /** Connects the queue to its sink with the peer's initial credit, and writes what is queued. */
    void attach(Sink s, long initialCredit) {
        CREDIT.setRelease(this, initialCredit); // published by the volatile store of sink
        sink = s;
        // Nothing to do yet (the common case: a call attached before its first frame) costs no drain. An add racing
        // with this either sees the sink, or queued its frame before this reads the queue: sink and queue are both
        // volatile, so one of the two sides sees the other's write and drains.
        if (queue != null || aborted || wantReady) {
            drain();
        }
    }

    boolean isAttached() {
        return sink != null;
    }

    /** Queues {@code frame} and writes what credit allows. */
    void add(Frame frame) {
        Sink s = sink;
        if (s != null && wip == 0 && WIP.compareAndSet(this, 0, 1)) {
            // Nobody drains and, if nothing is queued, the frame may go now: written without a queue node, which
            // saves the node and two atomic operations per frame. Anything queued first goes first.
            boolean wrote = false;
            if (!aborted && nothingQueued() && (!frame.carriesMessage() || credit > 0)) {
                wrote = writeOne(s, frame);
            } else {
                queue().add(frame);
            }
            drainLoop(wrote);
            return;
        }
        queue().add(frame);
        drain();
    }

    private boolean nothingQueued() {
        ConcurrentLinkedQueue<Frame> q = queue;
        return q == null || q.isEmpty();
    }

    @SuppressWarnings("unchecked")
    private ConcurrentLinkedQueue<Frame> queue() {
        ConcurrentLinkedQueue<Frame> q = queue;
        if (q != null) {
            return q;
        }
        ConcurrentLinkedQueue<Frame> made = new ConcurrentLinkedQueue<>();
        q = (ConcurrentLinkedQueue<Frame>) QUEUE.compareAndExchange(this, (ConcurrentLinkedQueue<Frame>) null, made);
        return q != null ? q : made;
    }

    /** Adds credit granted by the peer. */
    void grant(long increment) {
        CREDIT.getAndAdd(this, increment);
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
        // Only what there is to pass on is written: each volatile store is a fence, and most aborts (a call whose
        // status arrived) have no last frame and nothing to run.
        if (last != null) {
            lastOnlyIfStarted = onlyIfStarted;
            lastFrame = last;
        }
        if (done != null) {
            afterAbort = done;
        }
        aborted = true;
        // With nothing to drop, write or run and nobody draining, there is nothing to drain: an add that starts
        // draining after this volatile store sees aborted and drops its frame itself. (The common case: a call whose
        // status arrived, whose queue never held a frame.)
        if (last != null || done != null || queue != null || wip != 0) {
            drain();
        }
        signalWaiters();
    }

    boolean isAborted() {
        return aborted;
    }

    /** Whether a message could be written now without waiting for credit. */
    boolean isReady() {
        boolean ready = sink != null && !aborted && credit > 0 && nothingQueued();
        if (!ready) {
            wantReady = true;
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
        if ((int) WIP.getAndAdd(this, 1) != 0) {
            return;
        }
        drainLoop(false);
    }

    /** Drains as the one thread that holds {@link #wip} (taken once by the caller); lets it go when done. */
    private void drainLoop(boolean wroteBefore) {
        boolean wroteAny = wroteBefore;
        int missed = 1;
        do {
            Sink s = sink;
            if (aborted) {
                ConcurrentLinkedQueue<Frame> q = queue;
                if (q != null) {
                    q.clear();
                }
                Frame last = lastFrame == null ? null : (Frame) LAST_FRAME.getAndSet(this, (Frame) null);
                if (last != null && s != null && (started || !lastOnlyIfStarted)) {
                    s.write(last);
                }
                Runnable done = afterAbort == null ? null : (Runnable) AFTER_ABORT.getAndSet(this, (Runnable) null);
                if (done != null) {
                    done.run();
                }
            } else if (s != null) {
                wroteAny |= writeQueued(s);
            }
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
        } while (missed != 0);
        if (wroteAny) {
            signalWaiters();
        }
        Sink s = sink;
        if (s != null
                && !aborted
                && credit > 0
                && nothingQueued()
                && wantReady
                && WANT_READY.compareAndSet(this, true, false)) {
            s.onReady();
        }
    }

    private boolean writeQueued(Sink s) {
        ConcurrentLinkedQueue<Frame> q = queue;
        if (q == null) {
            return false;
        }
        boolean wrote = false;
        Frame f;
        while (!aborted && (f = q.peek()) != null) {
            boolean paced = f.carriesMessage();
            if (paced && credit <= 0) {
                wantReady = true;
                break;
            }
            q.poll();
            wrote |= writeOne(s, f);
        }
        return wrote;
    }

    /** Writes one frame while holding {@link #wip}; whether the sink took it. */
    private boolean writeOne(Sink s, Frame f) {
        if (!s.write(f)) {
            return false;
        }
        started = true;
        if (f.carriesMessage()) {
            CREDIT.getAndAdd(this, (long) -f.cost);
        }
        // A release store: the drain's WIP update that always follows is the fence before waiters are signalled.
        SENT.setRelease(f, true);
        return true;
    }
}
