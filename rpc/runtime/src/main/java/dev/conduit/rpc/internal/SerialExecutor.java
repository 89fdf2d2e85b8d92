package dev.conduit.rpc.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one call's callbacks one at a time, in submission order, on a delegate executor. With a direct delegate
 * ({@code Runnable::run}) the submitting thread runs the queue unless another thread already is: callbacks are still
 * never concurrent, and no thread waits for another.
 */
final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor delegate;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final Runnable drain = this::drain;

    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (wip.getAndIncrement() == 0) {
            try {
                delegate.execute(drain);
            } catch (RejectedExecutionException e) {
                // The executor is shut down: run here rather than lose a callback such as onClose.
                log.debug("executor rejected a call callback; running it on the calling thread", e);
                drain();
            }
        }
    }

    private void drain() {
        int missed = 1;
        do {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (Throwable t) {
                    log.error("a call callback threw; continuing with the next", t);
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
