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

    /** How long {@link Idle#BACKOFF} looks before it parks; about the cost of one kernel wake-up on our VMs. */
    private static final long BACKOFF_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /**
     * How much of that is a pure spin; the rest yields between looks, so that on a machine with few cores the thread
     * that will answer (a transport's poller, a peer process) is not kept off this core.
     */
    private static final long BACKOFF_PURE_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(5);

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
            long start = System.nanoTime();
            while (!done.getAsBoolean()) {
                long spent = System.nanoTime() - start;
                if (idle == Idle.BACKOFF && spent > BACKOFF_SPIN_NANOS) {
                    break;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (idle == Idle.SPIN || spent < BACKOFF_PURE_SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
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
