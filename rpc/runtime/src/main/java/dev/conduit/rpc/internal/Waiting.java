package dev.conduit.rpc.internal;

import dev.conduit.core.Idle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

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
        await(done, idle, null);
    }

    /**
     * Like {@link #await(BooleanSupplier, Idle)}; while it spins it also reads {@code here}'s frames on this thread
     * ({@link ClientCarrier#deliverHere()}), so that a response can complete the wait without a hand-over from the
     * transport's thread, and gives the reading back before it parks. {@code here} must be null on a thread that
     * delivers frames ({@link TransportThread#mayBlock}), which the caller checks.
     */
    static void await(BooleanSupplier done, Idle idle, @Nullable ClientCarrier here) throws InterruptedException {
        if (done.getAsBoolean()) {
            return;
        }
        ClientCarrier reader = here;
        if (idle == Idle.SPIN) {
            // No clock: a spin never gives up. The interrupt flag is read every 64 turns.
            for (int turn = 1; !done.getAsBoolean(); turn++) {
                // Frames of other calls may keep this thread reading: the interrupt is still looked at.
                boolean read = reader != null && reader.deliverHere();
                if ((turn & 63) == 0 && Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (!read) {
                    Thread.onSpinWait();
                }
            }
            return;
        }
        if (idle == Idle.BACKOFF) {
            long start = System.nanoTime();
            while (!done.getAsBoolean()) {
                boolean read = reader != null && reader.deliverHere();
                if (read && done.getAsBoolean()) {
                    break; // the response, read here
                }
                long spent = System.nanoTime() - start;
                if (spent > BACKOFF_SPIN_NANOS) {
                    break;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (read) {
                    continue; // other calls' frames: look again without a pause
                }
                if (spent < BACKOFF_PURE_SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
        if (reader != null && !done.getAsBoolean()) {
            reader.stopDeliveringHere(); // about to sleep: the transport's thread must deliver the response
        }
        while (!done.getAsBoolean()) {
            LockSupport.park(done);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
