package dev.conduit.core;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A runtime's timer and its executor for blocking work, lent by {@link Conduit#scheduler()} to code that builds on the
 * runtime (RPC servers and channels, say) so that it makes no threads of its own: every thread stays owned by the
 * runtime, named {@code conduit-<runtime>-...}, and ends when the runtime closes.
 *
 * <p>Thread-safe. The runtime owns everything here: do not shut anything down. Once the runtime is closed, {@code
 * schedule} and {@code executor().execute} throw {@link java.util.concurrent.RejectedExecutionException}; timers still
 * pending then never run, so a user of the scheduler must not rely on one running after its runtime has closed.
 */
public interface RuntimeScheduler {

    /**
     * Runs {@code task} once after {@code delay}, on the runtime's timer thread, unless cancelled first with the
     * future's {@code cancel(false)}. The task must be short and never block: every timer of the runtime shares the
     * thread. Blocking work belongs on {@link #executor()}.
     */
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit);

    /**
     * Runs {@code task} on the timer thread after {@code initialDelay}, then again {@code delay} after each run ends,
     * until cancelled; the same rules as {@link #schedule}. The caller must cancel it when done with it: the runtime
     * only stops it when it closes.
     */
    ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit);

    /**
     * Where work that may block runs: the executor the runtime runs message handlers on, that is its own pool of
     * handler threads (one per task, as many as needed, never an I/O thread), or the executor given to {@link
     * Conduit.Builder#handlerExecutor}.
     */
    Executor executor();
}
