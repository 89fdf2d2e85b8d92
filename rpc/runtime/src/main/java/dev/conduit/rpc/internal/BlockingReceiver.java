package dev.conduit.rpc.internal;

import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.Status;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The listener behind blocking response streams: a small buffer the caller takes from. The call is asked for
 * {@link #PREFETCH} responses up front and, each time the caller has taken {@link #BATCH} of them, for that many more,
 * so the buffer never holds more than {@link #PREFETCH} and the rest waits at the server, under flow control. Asking
 * in batches rather than once per response spares the call's queue most of its hand-overs; since at least {@code
 * PREFETCH - BATCH + 1} responses are always asked for and not yet taken, a caller waiting on an empty buffer never
 * waits for its own request.
 *
 * <p>Threading: the call's callbacks (serial, from any thread) hand responses to one taking thread at a time through
 * a {@link HandOverBuffer}, without a lock. The taker parks only on an empty buffer, after announcing itself in
 * {@link #waiter} and looking once more; a callback publishes first and then looks for a waiter, so one of the two
 * always sees the other and no wake-up is lost. Nothing is held while parked, so the taker may be a virtual thread.
 * When the callback runs on the taking thread itself (inside {@link #take}, as an in-process call delivers), it skips
 * the look for a waiter: the only thread that could wait is the one running it. {@link #isDone} may be called from
 * any thread.
 */
public final class BlockingReceiver<Resp> extends ClientCall.Listener<Resp> {
    /** Responses requested ahead of the caller. */
    public static final int PREFETCH = 8;
    /** Responses taken before more are requested, that many at once. */
    static final int BATCH = PREFETCH / 2;

    private final HandOverBuffer<Resp> buffer = new HandOverBuffer<>(PREFETCH);
    /** Set (after the trailers) once the call has ended; every response is in the buffer before it. */
    private volatile @Nullable Status status;

    private @Nullable Metadata trailers; // published by the write of status
    /** The thread parked (or about to park) in take on an empty buffer, else null. */
    private volatile @Nullable Thread waiter;
    /**
     * The thread inside take, else null; written only by that thread, so a thread reading itself here surely is the
     * taker (a stale value is another thread or null, and only costs the look for a waiter).
     */
    private @Nullable Thread taking;

    private int takenSinceRequest; // the taker's
    private @Nullable ClientCall<?, Resp> call;

    /** Starts receiving for {@code c}, which must have been started with this listener. */
    public void bind(ClientCall<?, Resp> c) {
        this.call = c;
        c.request(PREFETCH);
    }

    @Override
    public void onMessage(Resp message) {
        buffer.offer(message);
        if (taking != Thread.currentThread()) {
            wakeWaiter();
        }
    }

    @Override
    public void onClose(Status s, Metadata t) {
        trailers = t;
        status = s;
        wakeWaiter();
    }

    /** After publishing: the full fence orders that store before the read of {@link #waiter} (the taker's mirror). */
    private void wakeWaiter() {
        VarHandle.fullFence();
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /**
     * The next response, or {@code null} at the end of a successful stream; waits at most {@code timeout} (null for
     * no limit). One thread at a time.
     *
     * @throws dev.conduit.rpc.RpcException if the call failed
     * @throws TimeoutException if {@code timeout} passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting
     */
    public @Nullable Resp take(@Nullable Duration timeout) throws InterruptedException, TimeoutException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Thread self = Thread.currentThread();
        taking = self;
        try {
            Resp next = buffer.poll();
            if (next == null) {
                next = awaitNext(self, timeout);
                if (next == null) {
                    return null;
                }
            }
            if (++takenSinceRequest == BATCH) {
                takenSinceRequest = 0;
                ClientCall<?, Resp> c = call;
                if (c != null) {
                    c.request(BATCH); // may deliver here, on this thread, into the buffer
                }
            }
            return next;
        } finally {
            taking = null;
        }
    }

    /** Waits for a response or the end; null at the end of a successful stream. */
    private @Nullable Resp awaitNext(Thread self, @Nullable Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        while (true) {
            Status s = status;
            Resp next = buffer.poll();
            if (next != null) {
                return next;
            }
            if (s != null) { // read before the poll: every response delivered before the end has been seen
                return end(s);
            }
            waiter = self;
            VarHandle.fullFence(); // the mirror of wakeWaiter's: this store, then the look
            try {
                if (status != null || (next = buffer.poll()) != null) {
                    if (next != null) {
                        return next;
                    }
                    continue;
                }
                if (timeout == null) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new TimeoutException("no response within " + timeout);
                    }
                    LockSupport.parkNanos(this, left);
                }
            } finally {
                waiter = null;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private @Nullable Resp end(Status s) {
        if (s.isOk()) {
            return null;
        }
        Metadata t = trailers;
        throw s.asException(t != null ? t : new Metadata());
    }

    /** Whether the call has ended (its status arrived). */
    public boolean isDone() {
        return status != null;
    }
}
