package dev.conduit.ipc.shm.internal;

import dev.conduit.core.CloseReason;
import dev.conduit.core.CodecException;
import dev.conduit.core.ConduitException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.FramingException;
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
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shm connection: the {@link ShmOutbound sending half} that any thread writes through, the {@link ShmInbound
 * receiving half} that the {@link ShmPoller} reads, and the control socket that carries wake-ups, the goodbye and,
 * by its end of stream, the peer's death. See {@code ipc/SHM.md} for the wake-up protocol.
 *
 * <p>Thread-safe as {@link Link} requires; everything but {@link #write}, {@link #writeNow}, {@link #readNow}, {@link
 * #endReadNow}, {@link #setReadPaused} and {@link #close} runs on the poller thread.
 */
final class ShmLink extends LinePadding implements Link, ShmInbound.Owner {
    private static final Logger log = LoggerFactory.getLogger(ShmLink.class);

    private final Endpoint local;
    private final Endpoint remote;
    private final SocketChannel control;
    private final ShmPoller poller;
    private final boolean peerMayPark;
    private final ShmInbound inbound;

    private final ShmOutbound outbound;

    private final ReentrantLock controlLock = new ReentrantLock();
    private final ByteBuffer controlOut = ByteBuffer.allocateDirect(1);

    private volatile boolean closeRequested;

    /* Poller-thread state from here on. */
    private final ByteBuffer controlIn = ByteBuffer.allocate(64);
    private @Nullable SelectionKey key;
    private boolean peerSaidBye;
    /** What the peer said with {@link Handshake#REFUSED}: read so far, and why, once complete. */
    private @Nullable ByteBuffer refusal;

    private @Nullable String peerRefused;
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
        this.outbound = new ShmOutbound(this, segment.writer(client), poller.mayPark());
        this.inbound = new ShmInbound(this, segment.reader(client), allocator, maxFrame);
    }

    /** Attaches the runtime's listener and starts polling; the poller delivers nothing before this. */
    void start(LinkListener l) {
        this.listener = l;
        inbound.start(l);
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
        outbound.write(frame, callback);
    }

    @Override
    public boolean writeNow(ByteBuf frame) {
        return outbound.writeNow(frame);
    }

    @Override
    public boolean readNow() {
        return inbound.readNow();
    }

    @Override
    public void endReadNow() {
        inbound.endReadNow();
    }

    /** A receiver gave its claim on the inbound ring back: the poller must look at the ring at once. */
    @Override
    public void claimReleased() {
        poller.sweepSoon();
    }

    /** A receiver reading through {@link #readNow} met a record the protocol forbids: the poller closes the link. */
    @Override
    public void failFromReceiver(RuntimeException e) {
        poller.execute(() -> closeNow(CloseReason.error(e)));
    }

    /** Called after publishing into {@code ring}: rouses the peer's reader if it flagged itself parked. */
    void wakeReader(RingWriter ring) {
        if (peerMayPark && ring.claimReaderWakeUp()) {
            sendControl(Handshake.WAKE);
        }
    }

    /** Called by the inbound side after it freed space in the peer's ring. */
    @Override
    public void wakeWriter(RingReader in) {
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

    /**
     * One round of work: flush, read, and finish a close the peer began. Returns whether anything happened. {@code
     * sweep} is set every few thousand rounds, to look at an inbound ring that a receiver claimed.
     */
    boolean poll(boolean sweep) {
        if (closed) {
            return false;
        }
        boolean work = outbound.flush();
        work |= inbound.poll(sweep);
        if (peerSaidBye && inbound.drained()) {
            String refused = peerRefused;
            closeNow(refused == null ? CloseReason.PEER : CloseReason.refusedByPeer(refused));
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
                    ByteBuffer why = refusal;
                    if (why != null) {
                        why.put(b);
                        if (!why.hasRemaining()) {
                            peerRefused = refusalText(why.getInt(0), why.getInt(4));
                            peerSaidBye = true;
                            inbound.end();
                        }
                    } else if (b == Handshake.BYE) {
                        peerSaidBye = true;
                        inbound.end();
                    } else if (b == Handshake.REFUSED) {
                        refusal = ByteBuffer.allocate(Handshake.REFUSED_BODY);
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
            // A peer that dies with bytes of ours unread resets the socket instead of ending the stream.
            closeNow(CloseReason.error(new ConduitException(
                    "the shm peer's control socket failed (" + e.getMessage() + "): its process died or was killed",
                    e)));
        }
    }

    private static String refusalText(int size, int limit) {
        return size < 0 ? "a frame it could not read" : new FrameTooLargeException(size, limit, "frame").getMessage();
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

    @Override
    public void refuse(Throwable why) {
        if (!closeRequested) {
            closeRequested = true;
            poller.execute(() -> closeNow(CloseReason.error(why)));
        }
    }

    /** Tells the peer that this side refused a frame it sent ({@link Handshake#REFUSED}), before closing. */
    private void sendRefused(Throwable why) {
        ByteBuffer out = ByteBuffer.allocate(1 + Handshake.REFUSED_BODY).put(Handshake.REFUSED);
        if (why instanceof FrameTooLargeException tooLarge) {
            out.putInt((int) Math.min(Integer.MAX_VALUE, tooLarge.size())).putInt((int) tooLarge.limit());
        } else {
            out.putInt(-1).putInt(-1);
        }
        controlLock.lock();
        try {
            control.write(out.flip());
        } catch (IOException e) {
            log.debug("{}: control write failed", this, e);
        } finally {
            controlLock.unlock();
        }
    }

    /** Closes on the poller thread: fails waiting writes, says goodbye if this side chose to close, tells core. */
    void closeNow(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        outbound.close(reason);
        if (reason.kind() == CloseReason.Kind.LOCAL) {
            sendControl(Handshake.BYE);
        } else if (reason.error() instanceof FramingException || reason.error() instanceof CodecException) {
            sendRefused(reason.error()); // what the peer sent broke our limits: say so, not "died"
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
