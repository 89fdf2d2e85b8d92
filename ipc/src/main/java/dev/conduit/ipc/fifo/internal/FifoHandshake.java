package dev.conduit.ipc.fifo.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * How a fifo listener and one peer at a time find each other, with three one-byte locks in {@code base.lock}:
 *
 * <pre>
 * byte 0  LISTENER  exclusive, held by the listener for its life. A second listener cannot take it: "already
 *                   served". A client that can take it shared knows nobody serves the path (stale FIFOs).
 * byte 1  CLIENT    exclusive, held by the connected peer for the connection's life. A second peer cannot take it:
 *                   "busy"; it is turned away before it opens a FIFO, so it never writes a byte into the stream.
 * byte 2  SERVING   exclusive, held by the listener while it has a connection's FIFOs open. A new peer waits until
 *                   it can take it shared, then opens base.c2s, then lets go: so it never meets the listener's
 *                   previous connection, whose peer may have died a moment ago.
 *
 * listener                                   peer
 * --------                                   ----
 * lock LISTENER; mkfifo c2s, s2c             LISTENER free?  -> refuse: nobody serves the path
 * open c2s for reading (blocks) ...          lock CLIENT      (taken -> refuse: busy)
 *                                            wait for SERVING shared; open c2s for writing
 * ... returns; wait for SERVING exclusive    release SERVING
 * open s2c for writing (blocks) ...          open s2c for reading
 * ... connected: reader and writer threads   connected: reader and writer threads
 * end of stream on c2s -> close, release SERVING, accept the next peer
 * </pre>
 *
 * <p>Opening a FIFO blocks until the other end is opened, and the JDK cannot open one without blocking; every such
 * open is guarded by a timer that, at the deadline, opens the FIFO for reading and writing itself (which never blocks)
 * to release the waiting open, whose caller then gives up.
 */
final class FifoHandshake {
    static final long LISTENER = 0;
    static final long CLIENT = 1;
    static final long SERVING = 2;

    private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private FifoHandshake() {}

    /**
     * Polls for a lock until {@code deadline} ({@link System#nanoTime()}) or until {@code cancelled}.
     *
     * @return the lock, or null on timeout or cancellation
     */
    static @Nullable FileLock awaitLock(
            LockFile file, long position, boolean shared, long deadline, BooleanSupplier cancelled) throws IOException {
        long pause = TimeUnit.MICROSECONDS.toNanos(50);
        while (!cancelled.getAsBoolean()) {
            FileLock lock = file.tryLock(position, shared);
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - deadline >= 0) {
                return null;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(MAX_POLL_NANOS, pause * 2);
        }
        return null;
    }

    /**
     * Opens a FIFO, which blocks until its other end is opened, giving up at {@code deadline}.
     *
     * @throws TimeoutException if the other end was not opened in time
     */
    static FileChannel open(Path fifo, boolean forReading, long deadline, ScheduledExecutorService timer)
            throws IOException, TimeoutException {
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> watchdog;
        try {
            watchdog = timer.schedule(
                    () -> {
                        fired.set(true);
                        release(fifo);
                    },
                    Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            throw new IOException("the runtime is closing", e);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(fifo, forReading ? StandardOpenOption.READ : StandardOpenOption.WRITE);
        } finally {
            watchdog.cancel(false);
        }
        if (fired.get()) {
            channel.close();
            throw new TimeoutException("nobody opened the other end of " + fifo);
        }
        return channel;
    }

    /** Releases anyone blocked opening {@code fifo}: an open for both reading and writing never blocks. */
    static void release(Path fifo) {
        try (FileChannel both = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // opened and closed: a blocked reader or writer has met an end
        } catch (IOException e) {
            // the FIFO is gone: nobody can be blocked on it
        }
    }

    static void releaseQuietly(@Nullable FileLock lock) {
        if (lock != null) {
            try {
                lock.release();
            } catch (IOException e) {
                // the descriptor is closed already, which released it
            }
        }
    }
}
