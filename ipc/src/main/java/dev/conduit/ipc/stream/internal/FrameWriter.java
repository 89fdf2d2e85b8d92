package dev.conduit.ipc.stream.internal;

import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing half of a {@link StreamLink}: a queue that any thread adds framed buffers to, and one thread that writes
 * them to the {@link ByteSink} in batches and completes their callbacks.
 *
 * <p>Senders never block: a full pipe holds up the writer thread only, and the queued bytes count as pending in the
 * channel, which turns unwritable above its high-water mark. With nothing queued the writer parks, whatever the
 * endpoint's {@code idle}: every link has a writer of its own, and writers that spin or yield starve the threads that
 * do the work on a small machine (measured on 2 cores: a 64 B round trip became several times slower with backing-off
 * writers, and took milliseconds with spinning ones). Once a write fails (the peer stopped reading) every later
 * frame fails with the same error.
 */
final class FrameWriter {
    private static final Logger log = LoggerFactory.getLogger(FrameWriter.class);
    private static final int MAX_BATCH_FRAMES = 64;
    private static final int MAX_BATCH_BYTES = 256 << 10;

    private record Pending(ByteBuf frame, WriteCallback callback) {}

    private final ByteSink sink;
    /** The error for frames that can no longer be written because the link is closed. */
    private final Supplier<Throwable> closedError;

    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private volatile @Nullable Thread thread;
    private volatile boolean parked;
    private volatile boolean closed;
    private volatile boolean done;
    private volatile @Nullable Throwable failed;

    FrameWriter(ByteSink sink, Supplier<Throwable> closedError) {
        this.sink = sink;
        this.closedError = closedError;
    }

    /** Starts the writer thread. */
    void start(IpcThreads threads, String purpose) {
        thread = threads.start(purpose, this::run);
    }

    /**
     * Queues an encoded frame; the callback is completed once it is written, or failed. Takes ownership of {@code
     * frame}.
     */
    void write(ByteBuf frame, WriteCallback callback) {
        Throwable error = closed ? closedError.get() : failed;
        if (error != null) {
            frame.release();
            callback.writeComplete(error);
            return;
        }
        queue.offer(new Pending(frame, callback));
        if (done) {
            failQueued(); // the thread has exited: nobody else will see this frame
        } else if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Stops writing: what is queued, or queued later, fails; the thread ends. */
    void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    /** Waits (up to 10 s) for the writer thread to end; false if it did not. */
    boolean awaitExit() {
        Thread t = thread;
        if (t == null || t == Thread.currentThread()) {
            return true;
        }
        try {
            t.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    private void run() {
        ByteBuf[] frames = new ByteBuf[MAX_BATCH_FRAMES];
        WriteCallback[] callbacks = new WriteCallback[MAX_BATCH_FRAMES];
        try {
            while (true) {
                int n = 0;
                long bytes = 0;
                Pending p;
                while (n < MAX_BATCH_FRAMES && bytes < MAX_BATCH_BYTES && (p = queue.poll()) != null) {
                    frames[n] = p.frame();
                    callbacks[n] = p.callback();
                    bytes += p.frame().readableBytes();
                    n++;
                }
                if (n == 0) {
                    if (closed) {
                        return;
                    }
                    waitForWork();
                    continue;
                }
                Throwable error = writeBatch(frames, n);
                for (int i = 0; i < n; i++) {
                    frames[i].release();
                    frames[i] = null;
                    WriteCallback cb = callbacks[i];
                    callbacks[i] = null;
                    cb.writeComplete(error);
                }
            }
        } finally {
            done = true;
            failQueued();
        }
    }

    /** Writes a batch; returns the error its frames fail with, or null. */
    private @Nullable Throwable writeBatch(ByteBuf[] frames, int n) {
        Throwable error = closed ? closedError.get() : failed;
        if (error != null) {
            return error;
        }
        try {
            sink.write(frames, n);
            return null;
        } catch (IOException e) {
            if (closed) {
                return closedError.get();
            }
            // The peer stopped reading (a dead child, a closed FIFO). The reader will see the end of its stream; until
            // then, sends fail with this error.
            failed = e;
            log.debug("write failed", e);
            return e;
        }
    }

    /** Parks until a sender queues a frame (or the writer is closed). */
    private void waitForWork() {
        parked = true;
        if (queue.isEmpty() && !closed) {
            LockSupport.park(this);
        }
        parked = false;
    }

    private void failQueued() {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.frame().release();
            p.callback().writeComplete(closedError.get());
        }
    }
}
