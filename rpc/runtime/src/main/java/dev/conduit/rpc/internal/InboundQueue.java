package dev.conduit.rpc.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The messages one call has received and not yet delivered, and the credit this side grants the peer.
 *
 * <p>The transport thread {@link #arrive}s payloads; the call's serial executor delivers them, at most as many as
 * the application {@link #request}ed, then the end of the stream ({@link Receiver#finish}) once the queue is empty.
 * Credit goes back to the peer only after the application has consumed messages, so what waits here is bounded by
 * the window plus one message: a slow consumer pushes back on its sender instead of filling memory.
 *
 * <p>Thread-safe: every field is guarded by this queue's own monitor, which is never held while calling out (to the
 * receiver or the executor) and never around anything that blocks. The queue is itself the task given to the serial
 * executor (its {@link #run} delivers), so a call makes no lock object, no task object and, while at most one
 * message waits at a time, no deque.
 */
final class InboundQueue implements Runnable {

    /** The call side of the queue; all three run on the call's serial executor. */
    interface Receiver {
        /** One message for the application: a frame with its payload. */
        void deliver(Frame message);

        /** No more messages will be delivered; called once, after the last one. */
        void finish();

        /** Grants the peer {@code increment} more bytes of credit. */
        void giveCredit(int increment);
    }

    private final Executor serial;
    private final Receiver receiver;
    private final long threshold;

    // All guarded by this. The oldest waiting message is `first`; `rest` holds those after it and is made only when
    // a second message waits (most calls hold one message at a time). Invariant: first == null implies rest is empty.
    private @Nullable Frame first;
    private @Nullable ArrayDeque<Frame> rest;
    private long requested;
    private boolean scheduled;
    private boolean finished;
    private boolean finishDelivered;
    /** Guarded by this like the rest; volatile too, for the look after a last message's delivery (see run). */
    private volatile boolean closed;

    private long peerCredit;
    private long unacked;
    private long bufferedBytes;
    private long peakBufferedBytes;

    InboundQueue(Executor serial, Receiver receiver, int window) {
        this.serial = serial;
        this.receiver = receiver;
        this.peerCredit = window;
        this.threshold = Math.max(1, window / 2);
    }

    /**
     * Queues a received message (a frame with a payload), which cost the peer {@link Frame#cost} bytes of credit.
     *
     * @return false if the peer sent it without credit (a flow-control violation); the message is dropped
     */
    boolean arrive(Frame message) {
        return arrive(message, false);
    }

    /**
     * Like {@link #arrive(Frame)}; if {@code last}, the peer also sends no more messages, as if {@link #finish} were
     * called after it (in the same step, so a message that ends the stream is handed over at once).
     */
    boolean arrive(Frame message, boolean last) {
        return arrive(message, last, false);
    }

    /**
     * Like {@link #arrive(Frame, boolean)} for a call's first message, before anything else happened to the queue,
     * when the caller submits a task to the serial executor that runs this queue ({@link #run}) at its end: the
     * queue counts as scheduled, so the message waits for that task (and a request made before it, such as the
     * handler's in its start, does not submit one of its own). One submission for the start and the first delivery.
     */
    boolean arriveForCaller(Frame message, boolean last) {
        return arrive(message, last, true);
    }

    private boolean arrive(Frame message, boolean last, boolean callerRuns) {
        boolean schedule;
        synchronized (this) {
            if (callerRuns) {
                scheduled = true; // the caller's task runs the queue, whatever happens below
            }
            if (closed || finished) {
                return true;
            }
            if (peerCredit <= 0) {
                return false;
            }
            peerCredit -= message.cost;
            if (first == null) {
                first = message;
            } else {
                ArrayDeque<Frame> r = rest;
                if (r == null) {
                    r = rest = new ArrayDeque<>(4);
                }
                r.add(message);
            }
            bufferedBytes += message.payloadLength;
            peakBufferedBytes = Math.max(peakBufferedBytes, bufferedBytes);
            if (last) {
                finished = true;
            }
            schedule = shouldScheduleLocked();
        }
        if (schedule) {
            serial.execute(this);
        }
        return true;
    }

    /** The peer will send no more messages: after the queued ones, {@link Receiver#finish} is called. */
    void finish() {
        boolean schedule;
        synchronized (this) {
            if (finished || closed) {
                return;
            }
            finished = true;
            schedule = shouldScheduleLocked();
        }
        if (schedule) {
            serial.execute(this);
        }
    }

    /** The application accepts {@code count} more messages. */
    void request(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("request count must be positive: " + count);
        }
        boolean schedule;
        synchronized (this) {
            requested = Math.min(Long.MAX_VALUE / 2, requested + count);
            schedule = shouldScheduleLocked();
        }
        if (schedule) {
            serial.execute(this);
        }
    }

    /** The call ended on this side: drops what is queued and delivers nothing more. */
    synchronized void close() {
        closed = true;
        first = null;
        rest = null;
        bufferedBytes = 0;
    }

    /** Bytes of payload received and not yet delivered. */
    synchronized long bufferedBytes() {
        return bufferedBytes;
    }

    /** The most bytes ever waiting at once. */
    synchronized long peakBufferedBytes() {
        return peakBufferedBytes;
    }

    private boolean shouldScheduleLocked() {
        if (scheduled || closed) {
            return false;
        }
        boolean work = (requested > 0 && first != null) || (finished && first == null && !finishDelivered);
        if (work) {
            scheduled = true;
        }
        return work;
    }

    /**
     * Delivers what may be delivered now; what the serial executor runs, never called otherwise. Each round takes
     * the monitor once: to count the message delivered in the round before as consumed, and to take the next. The
     * last message of a finished stream is taken with the end in one round (a unary request or response): the credit
     * it would return is never given after the end, so no round is needed after it.
     */
    @Override
    public void run() {
        long consumedCost = -1; // none yet
        while (true) {
            Frame message = null;
            boolean finish = false;
            int increment = 0;
            synchronized (this) {
                if (consumedCost >= 0) {
                    increment = consumedLocked(consumedCost);
                }
                if (closed) {
                    scheduled = false;
                } else if (requested > 0 && first != null) {
                    message = pollLocked();
                    requested--;
                    bufferedBytes -= message.payloadLength;
                    if (finished && first == null) {
                        finishDelivered = true;
                        finish = true;
                        scheduled = false;
                    }
                } else if (finished && first == null && !finishDelivered) {
                    finishDelivered = true;
                    finish = true;
                    scheduled = false;
                } else {
                    scheduled = false;
                }
            }
            if (increment > 0) {
                receiver.giveCredit(increment);
            }
            if (message == null) {
                if (finish) {
                    receiver.finish();
                }
                return;
            }
            receiver.deliver(message);
            if (finish) {
                if (!closed) { // closed while it was delivered: no end after a close, as in a round of its own
                    receiver.finish();
                }
                return;
            }
            consumedCost = message.cost;
        }
    }

    private Frame pollLocked() {
        Frame message = first;
        ArrayDeque<Frame> r = rest;
        first = r == null ? null : r.poll();
        return message;
    }

    /** Counts {@code cost} as consumed; returns the credit to give back now, if enough has been consumed. */
    private int consumedLocked(long cost) {
        unacked += cost;
        if (finished || closed || unacked < threshold) {
            return 0;
        }
        int increment = (int) Math.min(Integer.MAX_VALUE, unacked);
        unacked -= increment;
        peerCredit += increment;
        return increment;
    }
}
