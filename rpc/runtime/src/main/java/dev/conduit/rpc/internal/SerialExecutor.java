package dev.conduit.rpc.internal;

import dev.conduit.core.Channel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one call's callbacks one at a time, in submission order, on a delegate executor. With a direct delegate
 * ({@code Runnable::run}) the submitting thread runs the queue unless another thread already is: callbacks are still
 * never concurrent, and no thread waits for another.
 *
 * <p>With {@link Channel#DIRECT} as the delegate, a task submitted while nothing is queued or running runs at once
 * without being queued, and the queue itself is made only when a task has to wait: a unary call on direct executors
 * (its callbacks never overlap) then allocates no queue and no queue nodes.
 */
final class SerialExecutor implements Executor, Runnable {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private static final VarHandle WIP;
    private static final VarHandle TASKS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WIP = l.findVarHandle(SerialExecutor.class, "wip", int.class);
            TASKS = l.findVarHandle(SerialExecutor.class, "tasks", ConcurrentLinkedQueue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Executor delegate;
    private final boolean direct;
    /** Tasks waiting their turn; made by the first task that has to wait. */
    private volatile @Nullable ConcurrentLinkedQueue<Runnable> tasks;
    /** Tasks submitted and not yet run, plus one while a thread drains; 0 when idle. */
    private volatile int wip;

    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
        this.direct = delegate == Channel.DIRECT;
    }

    @Override
    public void execute(Runnable task) {
        if (direct && wip == 0 && WIP.compareAndSet(this, 0, 1)) {
            // Nothing is running: this thread runs the task now, then whatever others queued meanwhile.
            runOne(task);
            drainFrom(1);
            return;
        }
        queue().add(task);
        if ((int) WIP.getAndAdd(this, 1) == 0) {
            try {
                delegate.execute(this);
            } catch (RejectedExecutionException e) {
                // The executor is shut down: run here rather than lose a callback such as onClose.
                log.debug("executor rejected a call callback; running it on the calling thread", e);
                run();
            }
        }
    }

    /** Drains the queue: what the delegate runs. Not for callers outside this class. */
    @Override
    public void run() {
        drainFrom(1);
    }

    private void drainFrom(int missed) {
        do {
            ConcurrentLinkedQueue<Runnable> q = tasks;
            Runnable task;
            while (q != null && (task = q.poll()) != null) {
                runOne(task);
            }
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
        } while (missed != 0);
    }

    private static void runOne(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("a call callback threw; continuing with the next", t);
        }
    }

    private ConcurrentLinkedQueue<Runnable> queue() {
        ConcurrentLinkedQueue<Runnable> q = tasks;
        if (q == null) {
            TASKS.compareAndSet(this, null, new ConcurrentLinkedQueue<Runnable>());
            q = tasks;
        }
        return q;
    }
}
