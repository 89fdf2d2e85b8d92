package dev.conduit.rpc.internal;

import org.jspecify.annotations.Nullable;

/**
 * Tells a blocking unary call which carrier its call went to, so that the waiting thread can read the response
 * itself ({@link ClientCarrier#deliverHere()}) instead of waiting for the transport's thread to hand it over.
 *
 * <p>The waiter arms this thread's slot before it starts the call; the first call that binds to a carrier on this
 * thread while the slot is armed (the waiter's own, as {@code start} runs on the caller's thread, through any
 * interceptors) fills it; the waiter takes the carrier and clears the slot. A call bound later on another thread (no
 * connection was ready) leaves the slot empty, and the waiter waits as before. The slot is in the thread's {@link
 * RpcThread}; only the owning thread touches it.
 */
final class DeliverHere {
    private DeliverHere() {}

    /** Arms this thread's slot (in {@code t}, the current thread's state): the next carrier offered here is kept. */
    static void arm(RpcThread t) {
        t.deliverArmed = true;
        t.deliverCarrier = null;
    }

    /** A call on this thread bound to {@code c}: kept if the slot is armed and still empty. */
    static void offer(ClientCarrier c) {
        RpcThread t = RpcThread.current();
        if (t.deliverArmed) {
            t.deliverArmed = false;
            t.deliverCarrier = c;
        }
    }

    /**
     * The carrier offered since {@link #arm}, or null; disarms and clears the slot (it holds no reference after). On
     * the thread whose state {@code t} is.
     */
    static @Nullable ClientCarrier take(RpcThread t) {
        ClientCarrier c = t.deliverCarrier;
        t.deliverArmed = false;
        t.deliverCarrier = null;
        return c;
    }
}
