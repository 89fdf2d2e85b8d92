package dev.conduit.rpc.internal;

import dev.conduit.core.Idle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How a blocking caller waits for a response: spin first (per the {@link Idle} strategy), then park. Parking uses
 * {@link LockSupport}, which holds no monitor, so waiting virtual threads release their carrier.
 */
public final class Waiting {
    private Waiting() {}

    /** How long {@link Idle#BACKOFF} spins before it parks; about the cost of one kernel wake-up on our VMs. */
    private static final long BACKOFF_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    /**
     * Waits until {@code done} is true. The thread that makes it true must {@link LockSupport#unpark} this thread.
     *
     * @throws InterruptedException if the thread is interrupted first
     */
    public static void await(BooleanSupplier done, Idle idle) throws InterruptedException {
        if (done.getAsBoolean()) {
            return;
        }
        if (idle != Idle.BLOCK) {
            long until = idle == Idle.SPIN ? Long.MAX_VALUE : System.nanoTime() + BACKOFF_SPIN_NANOS;
            while (!done.getAsBoolean()) {
                if (idle == Idle.BACKOFF && System.nanoTime() - until > 0) {
                    break;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                Thread.onSpinWait();
            }
        }
        while (!done.getAsBoolean()) {
            LockSupport.park(done);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
