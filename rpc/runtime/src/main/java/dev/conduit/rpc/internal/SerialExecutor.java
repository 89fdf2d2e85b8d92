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
 * without being queued. A task that has to wait goes into a single slot ({@link #next}) while that is free and no
 * queue has been made; the queue is made only when two tasks wait at once. A unary call on direct executors, whose
 * one waiting task is the {@code onComplete} submitted from inside the handler, then allocates no queue and no
 * queue nodes. The slot is drained before the queue, and a thread that has seen the queue never uses the slot
 * again, so the tasks of one thread still run in the order it submitted them.
 */
final class SerialExecutor implements Executor, Runnable {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private static final VarHandle WIP;
    private static final VarHandle TASKS;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WIP = l.findVarHandle(SerialExecutor.class, "wip", int.class);
            TASKS = l.findVarHandle(SerialExecutor.class, "tasks", ConcurrentLinkedQueue.class);
            NEXT = l.findVarHandle(SerialExecutor.class, "next", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Executor delegate;
    private final boolean direct;
    /** The task waiting its turn before any in {@link #tasks}; filled only while that is not made yet. */
    private volatile @Nullable Runnable next;
    /** Tasks waiting their turn after {@link #next}; made when a task has to wait and the slot is taken. */
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
        enqueue(task);
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
            Runnable task;
            while ((task = poll()) != null) {
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

    private void enqueue(Runnable task) {
        if (tasks == null && NEXT.compareAndSet(this, null, task)) {
            return;
        }
        queue().add(task);
    }

    /** The next task to run, or null; only the draining thread calls it, so only it empties the slot. */
    private @Nullable Runnable poll() {
        Runnable task = next;
        if (task != null) {
            NEXT.setRelease(this, (Runnable) null); // no fence: a submitter that still sees the task uses the queue
            return task;
        }
        ConcurrentLinkedQueue<Runnable> q = tasks;
        return q == null ? null : q.poll();
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
