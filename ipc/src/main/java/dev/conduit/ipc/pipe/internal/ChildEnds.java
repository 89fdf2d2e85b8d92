package dev.conduit.ipc.pipe.internal;

import dev.conduit.core.Property;
import dev.conduit.ipc.stream.internal.ByteSink;
import dev.conduit.ipc.stream.internal.ByteSource;
import dev.conduit.ipc.stream.internal.StreamEnds;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parent's ends of a child process: its stdout to read, its stdin to write, and the process to end.
 *
 * <p>Ending is graceful first: {@link #abort()} closes the child's stdin (end of input, which a well-behaved child
 * answers by exiting) and arms a timer; if the child is still alive after {@code exitTimeout} it gets SIGTERM, and a
 * second later SIGKILL. The reader keeps draining the child's stdout meanwhile, so a child blocked on a full pipe can
 * still exit, and sees end of stream when the child is gone. {@link #awaitEnd()} then collects the exit code; the JDK
 * reaps the process, so no zombie remains.
 */
final class ChildEnds implements StreamEnds {
    private static final Logger log = LoggerFactory.getLogger(ChildEnds.class);
    private static final Duration TERM_TO_KILL = Duration.ofSeconds(1);

    private final Process process;
    private final ByteSource source;
    private final ByteSink sink;
    private final Duration exitTimeout;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean aborted = new AtomicBoolean();
    private volatile @Nullable ScheduledFuture<?> timer;

    ChildEnds(Process process, Duration exitTimeout, ScheduledExecutorService scheduler) {
        this.process = process;
        this.source = ByteSource.of(process.getInputStream());
        this.sink = ByteSink.of(process.getOutputStream());
        this.exitTimeout = exitTimeout;
        this.scheduler = scheduler;
    }

    @Override
    public ByteSource source() {
        return source;
    }

    @Override
    public ByteSink sink() {
        return sink;
    }

    @Override
    public void abort() {
        if (!aborted.compareAndSet(false, true)) {
            return;
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            log.debug("closing the stdin of child {} failed", process.pid(), e);
        }
        if (process.isAlive()) {
            timer = schedule(this::terminate, exitTimeout);
        }
    }

    private void terminate() {
        if (process.isAlive()) {
            log.info(
                    "child process {} did not exit within {} ms of its stdin closing; sending SIGTERM",
                    process.pid(),
                    exitTimeout.toMillis());
            process.destroy();
            timer = schedule(this::kill, TERM_TO_KILL);
        }
    }

    private void kill() {
        if (process.isAlive()) {
            log.warn("child process {} ignored SIGTERM; killing it", process.pid());
            process.destroyForcibly();
        }
    }

    private @Nullable ScheduledFuture<?> schedule(Runnable action, Duration delay) {
        try {
            return scheduler.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The runtime's timer has stopped: the runtime is closing, and kills what is left itself.
            process.destroyForcibly();
            return null;
        }
    }

    @Override
    public @Nullable String awaitEnd() {
        // The timers end the child within exitTimeout + 1 s; the margin covers a loaded machine.
        long waitMillis = exitTimeout.plus(TERM_TO_KILL).toMillis() + 10_000;
        try {
            if (!process.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        return process.isAlive()
                ? "child process " + process.pid() + " did not exit"
                : "child process " + process.pid() + " exited with code " + process.exitValue();
    }

    @Override
    public void release() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        try {
            process.getInputStream().close();
        } catch (IOException e) {
            log.debug("closing the stdout of child {} failed", process.pid(), e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> @Nullable V property(Property<V> key) {
        return key == PipeProperties.PROCESS ? (V) process.toHandle() : null;
    }
}
