package dev.conduit.ipc.shm.internal;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.ConduitException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shm connection: an outbound ring that any thread writes under {@link #lock}, an inbound ring that the
 * {@link ShmPoller} reads, and the control socket. See {@code ipc/SHM.md} for the wake-up protocol.
 *
 * <p>A write goes straight into the ring when it has room, and completes at once. When the ring is full the frame
 * waits in {@link #pending} (core's {@code sendLimit} bounds how much can wait) and completes when the poller has
 * copied it in; so a stalled reader makes the sender's pending bytes grow until core reports it unwritable.
 */
final class ShmLink implements Link {
    private static final Logger log = LoggerFactory.getLogger(ShmLink.class);

    private record Pending(ByteBuf frame, WriteCallback callback) {}

    private final Endpoint local;
    private final Endpoint remote;
    private final SocketChannel control;
    private final ShmPoller poller;
    private final boolean peerMayPark;
    private final ShmInbound inbound;

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}; null once closed, which drops this side's reference to the mapping. */
    private @Nullable RingWriter out;

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Bytes of the first pending frame already in the ring (its first fragments). Guarded by {@link #lock}. */
    private int pendingOffset;

    private @Nullable CloseReason writeClosed;
    private volatile boolean hasPending;

    private final ReentrantLock controlLock = new ReentrantLock();
    private final ByteBuffer controlOut = ByteBuffer.allocateDirect(1);

    private volatile boolean closeRequested;
    /** Poller-thread state from here on. */
    private final List<Pending> completed = new ArrayList<>();

    private final ByteBuffer controlIn = ByteBuffer.allocate(64);
    private @Nullable SelectionKey key;
    private boolean peerSaidBye;
    private boolean closed;
    private @Nullable LinkListener listener;

    ShmLink(
            Endpoint local,
            Endpoint remote,
            Segment segment,
            boolean client,
            SocketChannel control,
            ShmPoller poller,
            boolean peerMayPark,
            ByteBufAllocator allocator,
            int maxFrame) {
        this.local = local;
        this.remote = remote;
        this.control = control;
        this.poller = poller;
        this.peerMayPark = peerMayPark;
        this.out = segment.writer(client);
        this.inbound = new ShmInbound(this, segment.reader(client), allocator, maxFrame);
    }

    /** Attaches the runtime's listener and starts polling; the poller delivers nothing before this. */
    void start(LinkListener l) {
        this.listener = l;
        poller.register(this);
    }

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return remote;
    }

    // ---------------------------------------------------------------- writing (any thread)

    @Override
    public void write(ByteBuf frame, WriteCallback callback) {
        boolean done = false;
        boolean published = false;
        CloseReason refused;
        RuntimeException failure = null;
        lock.lock();
        try {
            refused = writeClosed;
            if (refused == null) {
                RingWriter w = out;
                if (pending.isEmpty()) {
                    int length = frame.readableBytes();
                    int offset = w.write(frame, 0);
                    published = offset >= 0;
                    if (offset != length && poller.mayPark()) {
                        // Ask for a wake-up, then look again: the reader may have freed space before it saw the flag.
                        w.setWaiting(true);
                        int more = w.write(frame, Math.max(offset, 0));
                        published |= more >= 0;
                        offset = Math.max(offset, more);
                    }
                    done = offset == length;
                    if (!done) {
                        pendingOffset = Math.max(offset, 0);
                    }
                }
                if (!done) {
                    pending.add(new Pending(frame, callback));
                    hasPending = true;
                }
            }
        } catch (RuntimeException e) {
            refused = null;
            failure = e;
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            frame.release();
            callback.writeComplete(failure);
            close();
            return;
        }
        if (refused != null) {
            frame.release();
            callback.writeComplete(new ChannelClosedException(refused));
            return;
        }
        if (published) {
            wakeReader();
        }
        if (done) {
            frame.release();
            callback.writeComplete(null);
        }
    }

    /** Copies waiting frames into the ring; poller thread. Returns whether anything moved. */
    boolean flush() {
        if (!hasPending || !lock.tryLock()) {
            return false;
        }
        boolean published = false;
        try {
            RingWriter w = out;
            boolean flagged = false;
            Pending p;
            while (w != null && (p = pending.peek()) != null) {
                int offset = w.write(p.frame(), pendingOffset);
                published |= offset >= 0;
                if (offset == p.frame().readableBytes()) {
                    pending.poll();
                    pendingOffset = 0;
                    completed.add(p);
                    continue;
                }
                pendingOffset = Math.max(offset, pendingOffset);
                if (flagged || !poller.mayPark()) {
                    break;
                }
                w.setWaiting(true);
                flagged = true;
            }
            hasPending = !pending.isEmpty();
        } finally {
            lock.unlock();
        }
        if (published) {
            wakeReader();
        }
        completeAll(null);
        return published;
    }

    private void completeAll(@Nullable Throwable error) {
        for (int i = 0; i < completed.size(); i++) {
            Pending p = completed.get(i);
            p.frame().release();
            p.callback().writeComplete(error);
        }
        completed.clear();
    }

    private void wakeReader() {
        RingWriter w = out;
        if (peerMayPark && w != null && w.claimReaderWakeUp()) {
            sendControl(Handshake.WAKE);
        }
    }

    /** Called by the inbound side after it freed space in the peer's ring. */
    void wakeWriter(RingReader in) {
        if (peerMayPark && in.claimWriterWakeUp()) {
            sendControl(Handshake.WAKE);
        }
    }

    private void sendControl(byte b) {
        controlLock.lock();
        try {
            controlOut.clear();
            controlOut.put(0, b);
            control.write(controlOut);
        } catch (IOException e) {
            // The peer is gone; the poller sees the end of the control stream and closes the link.
            log.debug("{}: control write failed", this, e);
        } finally {
            controlLock.unlock();
        }
    }

    // ---------------------------------------------------------------- reading and control (poller thread)

    @Override
    public void setReadPaused(boolean paused) {
        if (inbound.setPaused(paused) && !paused) {
            poller.wakeup();
        }
    }

    /** One round of work: flush, read, and finish a close the peer began. Returns whether anything happened. */
    boolean poll() {
        if (closed) {
            return false;
        }
        boolean work = flush();
        work |= inbound.poll(listener);
        if (peerSaidBye && inbound.drained()) {
            closeNow(CloseReason.PEER);
            return true;
        }
        return work;
    }

    void registered(Selector selector) throws IOException {
        control.configureBlocking(false);
        key = control.register(selector, SelectionKey.OP_READ, this);
        if (closeRequested) {
            closeNow(CloseReason.LOCAL);
        }
    }

    /** The control socket is readable: wake-ups, a goodbye, or the end of the stream. */
    void onControlReadable() {
        try {
            int n;
            while ((n = control.read(controlIn.clear())) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = controlIn.get(i);
                    if (b == Handshake.BYE) {
                        peerSaidBye = true;
                    } else if (b != Handshake.WAKE) {
                        throw new IOException("unknown control byte " + b + " from the shm peer");
                    }
                }
            }
            if (n < 0) {
                cancelKey();
                if (!peerSaidBye) {
                    closeNow(CloseReason.error(new ConduitException("the shm peer closed its control socket without a"
                            + " goodbye: its process died or was killed")));
                }
            }
        } catch (IOException e) {
            closeNow(CloseReason.error(e));
        }
    }

    /** Flags the inbound ring parked before the poller sleeps; false if there is work after all. */
    boolean prepareToPark() {
        if (closed) {
            return true;
        }
        return !closeRequested && !peerSaidBye && inbound.park();
    }

    void unparked() {
        if (!closed) {
            inbound.unpark();
        }
    }

    // ---------------------------------------------------------------- closing

    @Override
    public void close() {
        if (!closeRequested) {
            closeRequested = true;
            poller.execute(() -> closeNow(CloseReason.LOCAL));
        }
    }

    /** Closes on the poller thread: fails waiting writes, says goodbye if this side chose to close, tells core. */
    void closeNow(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        lock.lock();
        try {
            writeClosed = reason;
            out = null;
            completed.addAll(pending);
            pending.clear();
            hasPending = false;
        } finally {
            lock.unlock();
        }
        completeAll(new ChannelClosedException(reason));
        if (reason.kind() == CloseReason.Kind.LOCAL) {
            sendControl(Handshake.BYE);
        }
        cancelKey();
        try {
            control.close();
        } catch (IOException e) {
            log.debug("{}: closing the control socket failed", this, e);
        }
        inbound.close();
        poller.deregister(this);
        LinkListener l = listener;
        if (l != null) {
            l.onClosed(reason);
        }
    }

    private void cancelKey() {
        SelectionKey k = key;
        if (k != null) {
            k.cancel();
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "shm(" + local + " <-> " + remote + ")";
    }
}
