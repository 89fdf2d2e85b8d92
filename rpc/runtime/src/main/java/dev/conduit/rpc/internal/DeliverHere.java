package dev.conduit.rpc.internal;

import org.jspecify.annotations.Nullable;

/**
 * Tells a blocking unary call which carrier its call went to, so that the waiting thread can read the response
 * itself ({@link ClientCarrier#deliverHere()}) instead of waiting for the transport's thread to hand it over.
 *
 * <p>The waiter arms this thread's slot before it starts the call; the first call that binds to a carrier on this
 * thread while the slot is armed (the waiter's own, as {@code start} runs on the caller's thread, through any
 * interceptors) fills it; the waiter takes the carrier and clears the slot. A call bound later on another thread (no
 * connection was ready) leaves the slot empty, and the waiter waits as before. Only the owning thread touches its slot.
 */
final class DeliverHere {
    private DeliverHere() {}

    private static final class Slot {
        boolean armed;

        @Nullable
        ClientCarrier carrier;
    }

    private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(Slot::new);

    /** Arms this thread's slot: the next carrier offered on this thread is kept. */
    static void arm() {
        Slot s = SLOT.get();
        s.armed = true;
        s.carrier = null;
    }

    /** A call on this thread bound to {@code c}: kept if the slot is armed and still empty. */
    static void offer(ClientCarrier c) {
        Slot s = SLOT.get();
        if (s.armed) {
            s.armed = false;
            s.carrier = c;
        }
    }

    /** The carrier offered since {@link #arm()}, or null; disarms and clears the slot (it holds no reference after). */
    static @Nullable ClientCarrier take() {
        Slot s = SLOT.get();
        ClientCarrier c = s.carrier;
        s.armed = false;
        s.carrier = null;
        return c;
    }
}
