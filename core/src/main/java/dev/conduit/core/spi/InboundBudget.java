package dev.conduit.core.spi;

import dev.conduit.core.ChannelOptions;
import dev.conduit.core.ConduitException;
import dev.conduit.core.Endpoint;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A runtime's budget for partly received frames, shared by the connections of every stream transport: without it,
 * each connection may buffer up to {@code maxFrame} bytes of a frame that has not ended, and a few hundred peers that
 * each send half of a large frame grow a listener by gigabytes.
 *
 * <p>A connection reports what it holds of a partial frame after each read ({@link Account#hold}). Up to {@value
 * #ALLOWANCE} bytes are free (one read's worth, so that small messages never wait); what is above counts against the
 * runtime's total. A connection that takes the total past its endpoint's {@code inboundBudget} pauses reading until
 * others finish or drop their frames ({@link Account#whenRoom}); past {@code inboundBudgetWait} its transport closes
 * it with {@link Account#exhausted}. A connection that holds the whole total alone may always read on, so a frame up
 * to {@code maxFrame} can always be received.
 *
 * <p>Thread-safe; an {@link Account} belongs to one connection's reading thread.
 */
public final class InboundBudget implements AutoCloseable {
    /** Bytes of a partial frame a connection holds outside the budget. */
    public static final int ALLOWANCE = 64 << 10;

    private final AtomicLong held = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();

    private InboundBudget() {}

    /** The runtime's budget, created on first use. */
    public static InboundBudget of(TransportContext context) {
        return context.resource("inbound-budget", InboundBudget::new);
    }

    /** The bytes of partial frames counted against the budget now, over all connections. */
    public long held() {
        return held.get();
    }

    /** An account for one connection of {@code endpoint}, whose options give the limit and the wait. */
    public Account account(Endpoint endpoint) {
        return new Account(
                endpoint.get(ChannelOptions.INBOUND_BUDGET), endpoint.get(ChannelOptions.INBOUND_BUDGET_WAIT));
    }

    private void freed() {
        Runnable r;
        while ((r = waiters.poll()) != null) {
            r.run();
        }
    }

    @Override
    public void close() {
        waiters.clear();
    }

    /** One connection's share. Not thread-safe: its reading thread uses it; {@link #whenRoom} may call back anywhere. */
    public final class Account {
        private final long limit;
        private final Duration wait;
        /** What this connection counts against the budget now. */
        private volatile long charged;

        private Account(long limit, Duration wait) {
            this.limit = limit;
            this.wait = wait;
        }

        /**
         * Records that the connection now holds {@code partialBytes} of a frame that has not ended (0 when it holds
         * none) and returns whether it may read on: false if the total is past the limit and others hold part of it.
         */
        public boolean hold(long partialBytes) {
            long charge = Math.max(0, partialBytes - ALLOWANCE);
            long delta = charge - charged;
            if (delta == 0) {
                return fits();
            }
            charged = charge;
            held.addAndGet(delta);
            if (delta < 0) {
                freed();
            }
            return fits();
        }

        /** Whether the connection may read on now; see {@link #hold}. */
        public boolean fits() {
            long total = held.get();
            return total <= limit || total - charged <= 0;
        }

        /** Gives back what the connection holds; for a connection that closes. */
        public void release() {
            hold(0);
        }

        /**
         * Calls {@code resume} once, from whichever thread frees room next (or at once if there is room now); it
         * should look at {@link #fits} again.
         */
        public void whenRoom(Runnable resume) {
            waiters.add(resume);
            if (fits() && waiters.remove(resume)) {
                resume.run();
            }
        }

        /** How long the connection may wait for room before it must be closed. */
        public Duration maxWait() {
            return wait;
        }

        /**
         * Decides, once a connection has waited {@code waited} for room in vain, whether it must close: null if there
         * is room now, else the reason to close it with. Deciding gives its charge back at once, so that when two
         * connections that hold each other up time out together, the second one to decide finds the first one's
         * room and reads on: one of them closes, not both.
         */
        public @Nullable ConduitException giveUp(Duration waited) {
            ConduitException reason;
            synchronized (InboundBudget.this) {
                if (fits()) {
                    return null;
                }
                reason = exhausted(waited);
                long c = charged;
                charged = 0;
                held.addAndGet(-c);
            }
            freed(); // outside the lock: a waiter may take its connection's own locks
            return reason;
        }

        /** The reason to close a connection that waited {@code waited} for room in vain. */
        public ConduitException exhausted(Duration waited) {
            return new ConduitException("inbound budget exhausted: the runtime's connections hold " + held.get()
                    + " bytes of partly received frames, over inboundBudget=" + limit
                    + "; this connection's unfinished frame"
                    + " counts " + charged + " of them, and it waited " + waited.toMillis()
                    + " ms (inboundBudgetWait) for room");
        }
    }
}
