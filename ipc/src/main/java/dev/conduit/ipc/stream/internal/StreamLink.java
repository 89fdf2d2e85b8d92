package dev.conduit.ipc.stream.internal;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.ConduitException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.FramingException;
import dev.conduit.core.Property;
import dev.conduit.core.spi.InboundBudget;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Link} over two blocking byte streams (a child's stdio, a FIFO pair, this process's stdio), with two
 * threads of its own:
 *
 * <ul>
 *   <li>the <b>reader</b> blocks in {@code read}, cuts what arrives into frames with a {@link StreamFramer} and hands
 *       them to the runtime in order. While the runtime has paused reading it does not read at all, so the OS pipe
 *       buffer fills and the peer's writes block: backpressure reaches the peer. When reading ends it closes the link
 *       and is the one thread that reports the close;
 *   <li>the <b>writer</b> ({@link FrameWriter}) takes frames queued by any sending thread and writes them in batches
 *       (one system call for many small frames). A send never blocks on a full pipe; the bytes wait in the queue and
 *       count as pending in the channel, which turns unwritable above its high-water mark. An idle writer parks.
 * </ul>
 *
 * <p>Neither thread spins: the endpoint's {@code idle} governs how an application thread waits in {@code
 * Channel.receive}, which the runtime does for every transport.
 *
 * <p>What the reader holds of an unfinished frame counts against the runtime's {@link InboundBudget}: while the budget
 * is exhausted the reader stops reading (the peer's writes block on the full pipe), and if no room frees within {@code
 * inboundBudgetWait} the link closes with the reason.
 *
 * <p>Closing, from any thread, fails the frames still queued, then {@link StreamEnds#abort() aborts} the ends so that
 * the peer sees end of stream and the reader stops blocking; the reader then waits for the ends to finish (a child
 * process to exit), releases its buffer and reports the close.
 */
public final class StreamLink implements Link {
    private static final Logger log = LoggerFactory.getLogger(StreamLink.class);
    private static final int READ_CHUNK = 64 << 10;
    private static final int MIN_FREE = 8 << 10;
    /** Stands for "closed by the peer" until the ends say how (a child's exit code). */
    private static final CloseReason PEER_PENDING = new CloseReason(CloseReason.Kind.PEER, "pending", null);

    private final String scheme;
    private final StreamEnds ends;
    private final StreamFramer framer;
    private final ByteBufAllocator allocator;
    private final Endpoint local;
    private final Endpoint remote;
    private final IpcThreads threads;
    private final InboundBudget.Account budget;
    private final FrameWriter writer;

    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;
    private final AtomicReference<@Nullable CloseReason> reason = new AtomicReference<>();

    private final ReentrantLock pauseLock = new ReentrantLock();
    private final Condition resumed = pauseLock.newCondition();
    private volatile boolean paused;

    private @Nullable LinkListener listener;
    private final LinkListener deliver = new LinkListener() {
        @Override
        public void onFrame(ByteBuffer frame) {
            if (!closed) {
                listener.onFrame(frame);
            }
        }

        @Override
        public void onClosed(CloseReason r) {
            throw new IllegalStateException("not used");
        }
    };

    /**
     * A link over {@code ends}, not yet started.
     *
     * @param scheme names the link's threads: {@code <scheme>-reader}, {@code <scheme>-writer}
     * @param budget this link's account in the runtime's budget for partly received frames
     */
    public StreamLink(
            String scheme,
            StreamEnds ends,
            StreamFramer framer,
            ByteBufAllocator allocator,
            Endpoint local,
            Endpoint remote,
            IpcThreads threads,
            InboundBudget.Account budget) {
        this.scheme = scheme;
        this.ends = ends;
        this.framer = framer;
        this.allocator = allocator;
        this.local = local;
        this.remote = remote;
        this.threads = threads;
        this.budget = budget;
        this.writer = new FrameWriter(ends.sink(), this::closedError);
    }

    /**
     * Binds the link to the runtime and starts its threads; nothing is delivered before {@code binder} returns. If
     * binding fails, the ends are aborted and released and the failure is rethrown.
     */
    public void start(LinkBinder binder) {
        try {
            listener = binder.bind(this);
        } catch (RuntimeException e) {
            closed = true;
            ends.abort();
            ends.release();
            throw e;
        }
        writer.start(threads, scheme + "-writer");
        threads.start(scheme + "-reader", this::readLoop);
    }

    // ---------------------------------------------------------------- reading (reader thread)

    private void readLoop() {
        ByteBuf buf = null;
        Throwable error = null;
        boolean ended = false;
        try {
            buf = newReadBuffer();
            while (true) {
                awaitResumed();
                if (buf.writableBytes() < MIN_FREE) {
                    buf.discardReadBytes();
                    if (buf.writableBytes() < MIN_FREE) {
                        buf.ensureWritable(Math.max(READ_CHUNK, buf.capacity()));
                    }
                }
                if (ends.source().read(buf) < 0) {
                    ended = true;
                    break;
                }
                if (closed) {
                    buf.clear(); // closing: keep draining so that a child blocked on a full pipe can exit
                    continue;
                }
                framer.decode(buf, deliver);
                if (!buf.isReadable()) {
                    buf.clear();
                    if (buf.capacity() > 4 * READ_CHUNK) {
                        buf.release();
                        buf = null;
                        buf = newReadBuffer();
                    }
                }
                if (!budget.hold(buf.readableBytes())) {
                    awaitBudget();
                }
            }
            if (!closed) {
                framer.finish(buf);
            }
        } catch (FramingException e) {
            error = e;
        } catch (ConduitException e) {
            error = e; // the inbound budget stayed exhausted
        } catch (IOException e) {
            if (!closed) {
                error = e;
            }
        } catch (RuntimeException e) {
            log.warn("{}: reading failed", this, e);
            error = e;
        } finally {
            finish(buf, ended, error);
        }
    }

    private ByteBuf newReadBuffer() {
        return ends.source().direct() ? allocator.directBuffer(READ_CHUNK) : allocator.heapBuffer(READ_CHUNK);
    }

    private void awaitResumed() throws IOException {
        if (!paused || closed) {
            return;
        }
        pauseLock.lock();
        try {
            while (paused && !closed) {
                resumed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while paused", e);
        } finally {
            pauseLock.unlock();
        }
    }

    /**
     * Waits, not reading, until the runtime's inbound budget has room again, or the link closes.
     *
     * @throws ConduitException if no room freed within {@code inboundBudgetWait}
     */
    private void awaitBudget() throws IOException {
        long start = System.nanoTime();
        long deadline = start + budget.maxWait().toNanos();
        pauseLock.lock();
        try {
            while (!closed && !budget.fits()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    var exhausted = budget.giveUp(Duration.ofNanos(System.nanoTime() - start));
                    if (exhausted != null) {
                        throw exhausted;
                    }
                    continue; // room freed as it timed out (another connection gave up first)
                }
                budget.whenRoom(this::signalResumed);
                resumed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the inbound budget", e);
        } finally {
            pauseLock.unlock();
        }
    }

    /** Ends the link after reading stopped: decides the reason, waits for the ends, releases, reports. */
    private void finish(@Nullable ByteBuf buf, boolean ended, @Nullable Throwable error) {
        if (error != null) {
            reason.compareAndSet(null, CloseReason.error(error));
        } else {
            reason.compareAndSet(null, ended ? PEER_PENDING : CloseReason.PEER);
        }
        beginClose();
        String detail = null;
        try {
            detail = ends.awaitEnd();
        } catch (RuntimeException e) {
            log.warn("{}: ending failed", this, e);
        }
        if (!writer.awaitExit()) {
            log.warn("{}: the writer did not stop within 10 s", this);
        }
        if (buf != null) {
            buf.release();
        }
        budget.release();
        try {
            ends.release();
        } catch (RuntimeException e) {
            log.warn("{}: releasing failed", this, e);
        }
        CloseReason r = reason.get();
        if (r == PEER_PENDING) {
            r = detail != null ? CloseReason.peer(detail) : CloseReason.PEER;
        }
        LinkListener l = listener;
        listener = null;
        if (l != null) {
            l.onClosed(r);
        }
    }

    // ---------------------------------------------------------------- writing (any thread; see FrameWriter)

    @Override
    public void write(ByteBuf frame, WriteCallback callback) {
        if (closed) {
            frame.release();
            callback.writeComplete(closedError());
            return;
        }
        try {
            framer.encode(frame);
        } catch (FramingException e) {
            frame.release();
            callback.writeComplete(e);
            return;
        }
        writer.write(frame, callback);
    }

    private ChannelClosedException closedError() {
        CloseReason r = reason.get();
        return new ChannelClosedException(r == null || r == PEER_PENDING ? CloseReason.PEER : r);
    }

    // ---------------------------------------------------------------- control (any thread)

    @Override
    public void setReadPaused(boolean pause) {
        paused = pause;
        if (!pause) {
            signalResumed();
        }
    }

    private void signalResumed() {
        pauseLock.lock();
        try {
            resumed.signalAll();
        } finally {
            pauseLock.unlock();
        }
    }

    @Override
    public void close() {
        reason.compareAndSet(null, CloseReason.LOCAL);
        beginClose();
    }

    private void beginClose() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        writer.close();
        signalResumed();
        ends.abort();
    }

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return remote;
    }

    @Override
    public int headroom() {
        return framer.headroom();
    }

    @Override
    public <V> @Nullable V property(Property<V> key) {
        return ends.property(key);
    }

    @Override
    public String toString() {
        return scheme + "-link(" + local + " <-> " + remote + ")";
    }
}
