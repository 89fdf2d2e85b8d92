package dev.conduit.transport.nats.internal;

import java.util.ArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Frames that a thread sends while it delivers one NATS message, held and published together when the delivery
 * returns: what Netty's flush at the end of a read is to a socket. A handler on the direct executor answers on the
 * dispatcher thread, and a server stream's hundreds of messages then leave as a few NATS messages instead of one each,
 * which every hop after it (the NATS client's queue and writer, the server, the peer's reader and dispatcher) pays per
 * message. A held frame is already copied into its session's {@link Outbound}, in order, and counted against credit;
 * only its publication waits, for as long as the handler runs (and at most one {@link NatsClient#TICK} if it runs on:
 * the ticker publishes what is held, so a handler that waits for an answer to what it sent is slowed, not stuck).
 *
 * <p>One per thread, used only by that thread; {@link Outbound}s register under their own lock.
 */
final class HeldWrites {
    private static final ThreadLocal<HeldWrites> CURRENT = new ThreadLocal<>();

    private final ArrayList<Outbound> held = new ArrayList<>(4);
    private boolean delivering;

    private HeldWrites() {}

    /** The calling thread starts delivering a message; {@link #end} must follow, in a finally block. */
    static HeldWrites begin() {
        HeldWrites h = CURRENT.get();
        if (h == null) {
            h = new HeldWrites();
            CURRENT.set(h);
        }
        h.delivering = true;
        return h;
    }

    /** The calling thread's scope if it is delivering a message now, else null: its writes are published at once. */
    static @Nullable HeldWrites ofCallingThread() {
        HeldWrites h = CURRENT.get();
        return h != null && h.delivering ? h : null;
    }

    /** {@code out} holds a batch for this scope to publish at its end. */
    void add(Outbound out) {
        held.add(out);
    }

    /** The delivery returned: publishes what its writes left held. */
    void end() {
        delivering = false;
        try {
            for (int i = 0; i < held.size(); i++) {
                held.get(i).publishHeld();
            }
        } finally {
            held.clear();
        }
    }
}
