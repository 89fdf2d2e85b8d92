package dev.conduit.rpc.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The messages one call has received and not yet delivered, and the credit this side grants the peer.
 *
 * <p>The transport thread {@link #arrive}s payloads; the call's serial executor delivers them, at most as many as
 * the application {@link #request}ed, then the end of the stream ({@link Receiver#finish}) once the queue is empty.
 * Credit goes back to the peer only after the application has consumed messages, so what waits here is bounded by
 * the window plus one message: a slow consumer pushes back on its sender instead of filling memory.
 */
final class InboundQueue {

    /** The call side of the queue; all three run on the call's serial executor. */
    interface Receiver {
        /** One message for the application: a frame with its payload. */
        void deliver(Frame message);

        /** No more messages will be delivered; called once, after the last one. */
        void finish();

        /** Grants the peer {@code increment} more bytes of credit. */
        void giveCredit(int increment);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Frame> queue = new ArrayDeque<>(2); // most calls hold one message at a time
    private final Executor serial;
    private final Receiver receiver;
    private final long threshold;
    private final Runnable deliverTask = this::deliver;

    private long requested;
    private boolean scheduled;
    private boolean finished;
    private boolean finishDelivered;
    private boolean closed;
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
        boolean schedule;
        lock.lock();
        try {
            if (closed || finished) {
                return true;
            }
            if (peerCredit <= 0) {
                return false;
            }
            peerCredit -= message.cost;
            queue.add(message);
            bufferedBytes += message.payloadLength;
            peakBufferedBytes = Math.max(peakBufferedBytes, bufferedBytes);
            schedule = shouldScheduleLocked();
        } finally {
            lock.unlock();
        }
        if (schedule) {
            serial.execute(deliverTask);
        }
        return true;
    }

    /** The peer will send no more messages: after the queued ones, {@link Receiver#finish} is called. */
    void finish() {
        boolean schedule;
        lock.lock();
        try {
            if (finished || closed) {
                return;
            }
            finished = true;
            schedule = shouldScheduleLocked();
        } finally {
            lock.unlock();
        }
        if (schedule) {
            serial.execute(deliverTask);
        }
    }

    /** The application accepts {@code count} more messages. */
    void request(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("request count must be positive: " + count);
        }
        boolean schedule;
        lock.lock();
        try {
            requested = Math.min(Long.MAX_VALUE / 2, requested + count);
            schedule = shouldScheduleLocked();
        } finally {
            lock.unlock();
        }
        if (schedule) {
            serial.execute(deliverTask);
        }
    }

    /** The call ended on this side: drops what is queued and delivers nothing more. */
    void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            bufferedBytes = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of payload received and not yet delivered. */
    long bufferedBytes() {
        lock.lock();
        try {
            return bufferedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** The most bytes ever waiting at once. */
    long peakBufferedBytes() {
        lock.lock();
        try {
            return peakBufferedBytes;
        } finally {
            lock.unlock();
        }
    }

    private boolean shouldScheduleLocked() {
        if (scheduled || closed) {
            return false;
        }
        boolean work = (requested > 0 && !queue.isEmpty()) || (finished && queue.isEmpty() && !finishDelivered);
        if (work) {
            scheduled = true;
        }
        return work;
    }

    private void deliver() {
        while (true) {
            @Nullable Frame message = null;
            boolean finish = false;
            lock.lock();
            try {
                if (closed) {
                    scheduled = false;
                    return;
                }
                if (requested > 0 && !queue.isEmpty()) {
                    message = queue.poll();
                    requested--;
                    bufferedBytes -= message.payloadLength;
                } else if (finished && queue.isEmpty() && !finishDelivered) {
                    finishDelivered = true;
                    finish = true;
                    scheduled = false;
                } else {
                    scheduled = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
            if (finish) {
                receiver.finish();
                return;
            }
            receiver.deliver(message);
            consumed(message.cost);
        }
    }

    private void consumed(long cost) {
        int increment = 0;
        lock.lock();
        try {
            unacked += cost;
            if (!finished && !closed && unacked >= threshold) {
                increment = (int) Math.min(Integer.MAX_VALUE, unacked);
                unacked -= increment;
                peerCredit += increment;
            }
        } finally {
            lock.unlock();
        }
        if (increment > 0) {
            receiver.giveCredit(increment);
        }
    }
}
