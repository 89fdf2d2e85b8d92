package dev.conduit.rpc.internal;

import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The listener behind blocking response streams: a small buffer the caller takes from. The call is asked for
 * {@link #PREFETCH} responses up front and, each time the caller has taken {@link #BATCH} of them, for that many more,
 * so the buffer never holds more than {@link #PREFETCH} and the rest waits at the server, under flow control. Asking
 * in batches rather than once per response spares the call's queue most of its hand-overs; since at least {@code
 * PREFETCH - BATCH + 1} responses are always asked for and not yet taken, a caller waiting on an empty buffer never
 * waits for its own request.
 *
 * <p>Thread-safe: the call's callbacks and any number of taking threads meet under one {@code ReentrantLock} (not a
 * monitor: a taker waits under it, and may be a virtual thread).
 */
public final class BlockingReceiver<Resp> extends ClientCall.Listener<Resp> {
    /** Responses requested ahead of the caller. */
    public static final int PREFETCH = 8;
    /** Responses taken before more are requested, that many at once. */
    static final int BATCH = PREFETCH / 2;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Resp> buffer = new ArrayDeque<>(PREFETCH);
    private @Nullable Status status;
    private @Nullable Metadata trailers; // with the status; null until then
    private int takenSinceRequest; // guarded by lock
    private @Nullable ClientCall<?, Resp> call;

    /** Starts receiving for {@code c}, which must have been started with this listener. */
    public void bind(ClientCall<?, Resp> c) {
        this.call = c;
        c.request(PREFETCH);
    }

    @Override
    public void onMessage(Resp message) {
        lock.lock();
        try {
            buffer.add(message);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onClose(Status s, Metadata t) {
        lock.lock();
        try {
            status = s;
            trailers = t;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next response, or {@code null} at the end of a successful stream; waits at most {@code timeout} (null for
     * no limit).
     *
     * @throws dev.conduit.rpc.RpcException if the call failed
     * @throws java.util.concurrent.TimeoutException if {@code timeout} passed first
     */
    public @Nullable Resp take(@Nullable Duration timeout)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        long nanos = timeout == null ? Long.MAX_VALUE : timeout.toNanos();
        Resp next;
        boolean requestMore = false;
        lock.lockInterruptibly();
        try {
            while (buffer.isEmpty() && status == null) {
                if (nanos <= 0) {
                    throw new java.util.concurrent.TimeoutException("no response within " + timeout);
                }
                nanos = changed.awaitNanos(nanos);
            }
            next = buffer.poll();
            if (next == null) {
                Status s = status;
                if (s != null && !s.isOk()) {
                    Metadata t = trailers;
                    throw s.asException(t != null ? t : new Metadata());
                }
                return null;
            }
            if (++takenSinceRequest == BATCH) {
                takenSinceRequest = 0;
                requestMore = true;
            }
        } finally {
            lock.unlock();
        }
        ClientCall<?, Resp> c = call;
        if (requestMore && c != null) {
            c.request(BATCH);
        }
        return next;
    }

    /** Whether the call has ended (its status arrived). */
    public boolean isDone() {
        lock.lock();
        try {
            return status != null;
        } finally {
            lock.unlock();
        }
    }
}
