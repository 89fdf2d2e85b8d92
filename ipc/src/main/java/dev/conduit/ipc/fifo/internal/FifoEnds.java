package dev.conduit.ipc.fifo.internal;

import dev.conduit.ipc.stream.internal.ByteSink;
import dev.conduit.ipc.stream.internal.ByteSource;
import dev.conduit.ipc.stream.internal.StreamEnds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One side's ends of a connected FIFO pair: the FIFO it reads, the FIFO it writes, and what to release when the
 * connection is over (the listener's {@code SERVING} lock, or the peer's {@code CLIENT} lock).
 *
 * <p>The listener's side ends a connection by closing the FIFO it writes and then reading on until the peer has closed
 * its end too (end of stream on {@code c2s}), at most {@code drainTimeout}: a FIFO is one pipe for whoever opens it,
 * so a listener that reopened {@code c2s} while the previous peer still held it open would take that peer, and
 * whatever it had written, for the next one.
 */
final class FifoEnds implements StreamEnds {
    private final FileChannel in;
    private final FileChannel out;
    private final ByteSource source;
    private final ByteSink sink;
    private final Runnable onRelease;
    private final @Nullable Duration drainTimeout;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean aborted = new AtomicBoolean();
    private volatile @Nullable ScheduledFuture<?> forcedClose;
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    /**
     * @param drainTimeout for the listener's side: how long to read on after closing the output; null closes both at
     *     once (the peer's side)
     */
    FifoEnds(
            FileChannel in,
            FileChannel out,
            @Nullable Duration drainTimeout,
            ScheduledExecutorService timer,
            Runnable onRelease) {
        this.in = in;
        this.out = out;
        this.drainTimeout = drainTimeout;
        this.timer = timer;
        this.source = ByteSource.of(in);
        this.sink = ByteSink.of(out);
        this.onRelease = onRelease;
    }

    @Override
    public ByteSource source() {
        return source;
    }

    @Override
    public ByteSink sink() {
        return sink;
    }

    /**
     * Closes the FIFO we write (the peer sees end of stream) and then, at once or after the drain, the one we read
     * (our reader wakes).
     */
    @Override
    public void abort() {
        if (!aborted.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(out);
        if (drainTimeout == null) {
            closeQuietly(in);
            return;
        }
        try {
            forcedClose = timer.schedule(() -> closeQuietly(in), drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closeQuietly(in); // the runtime is closing: no time to wait for the peer
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closed either way
        }
    }

    /** On the listener's side, reads on (discarding) until the peer has closed {@code c2s}, or the drain times out. */
    @Override
    public @Nullable String awaitEnd() {
        if (drainTimeout != null) {
            ByteBuffer scratch = ByteBuffer.allocate(8 << 10);
            try {
                while (in.read(scratch) >= 0) {
                    scratch.clear();
                }
            } catch (IOException e) {
                // closed by the drain timer, or by release: the peer is gone either way
            }
        }
        return null;
    }

    @Override
    public void release() {
        ScheduledFuture<?> f = forcedClose;
        if (f != null) {
            f.cancel(false);
        }
        closeQuietly(in);
        closeQuietly(out);
        try {
            onRelease.run();
        } finally {
            released.complete(null);
        }
    }

    /** Completes once the connection is over and everything is released. */
    CompletableFuture<Void> released() {
        return released;
    }
}
