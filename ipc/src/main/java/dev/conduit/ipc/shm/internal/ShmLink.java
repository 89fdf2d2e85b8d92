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
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shm connection: the {@link ShmOutbound sending half} that any thread writes through, the {@link ShmInbound
 * receiving half} that the {@link ShmPoller} reads, and the {@link ControlSocket control socket} that carries
 * wake-ups, the goodbye, the reason for a protocol error and, by its end of stream, the peer's death. See {@code
 * ipc/SHM.md} for the wake-up protocol.
 *
 * <p>Thread-safe as {@link Link} requires; everything but {@link #write}, {@link #writeNow}, {@link #readNow}, {@link
 * #endReadNow}, {@link #setReadPaused} and {@link #close} runs on the poller thread.
 *
 * <p>The link owns its {@link Segment}: {@link #closeNow} unmaps it once both halves have taken their flags for
 * good, which is when no thread can touch the mapping any more.
 */
final class ShmLink extends LinePadding implements Link, ShmInbound.Owner, ControlSocket.Events {
    private static final Logger log = LoggerFactory.getLogger(ShmLink.class);

    private final Endpoint local;
    private final Endpoint remote;
    private final Segment segment;
    private final ControlSocket control;
    private final ShmPoller poller;
    private final boolean peerMayPark;
    private final ShmInbound inbound;

    private final ShmOutbound outbound;

    private volatile boolean closeRequested;

    /* Poller-thread state from here on. */
    private @Nullable SelectionKey key;
    private boolean peerSaidBye;
    /** Why the peer refused what this side sent ({@link Handshake#REFUSED}), once it said so; else null. */
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
        this.segment = segment;
        this.control = new ControlSocket(control);
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

    // ---------------------------------------------------------------- writing and reading (any thread)

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

    /** A receiver reading through {@link #readNow} met a record the protocol forbids, or a memory fault. */
    @Override
    public void failFromReceiver(Throwable e) {
        if (MemoryFaults.isMemoryFault(e)) {
            memoryFault(e);
        } else {
            poller.execute(() -> fail(e));
        }
    }

    /** A sender met a fault on the ring's memory: the poller finds out which segments were truncated. */
    void memoryFault(Throwable e) {
        poller.execute(() -> poller.memoryFault(e));
    }

    @Override
    public void beforeDelivery() {
        poller.beforeCodeOf(this);
    }

    /**
     * Called after publishing into {@code ring}, with the sender's flag held: whether the peer's reader flagged
     * itself parked, in which case the caller must {@link #sendWake} once it has let go of the flag.
     */
    boolean claimReaderWakeUp(RingWriter ring) {
        return peerMayPark && ring.claimReaderWakeUp();
    }

    void sendWake() {
        sendControl(Handshake.WAKE);
    }

    /** Called by the inbound side, under its reading flag, after it freed space in the peer's ring. */
    @Override
    public void wakeWriter(RingReader in) {
        if (peerMayPark && in.claimWriterWakeUp()) {
            sendControl(Handshake.WAKE);
        }
    }

    private void sendControl(byte b) {
        try {
            control.send(b);
        } catch (IOException e) {
            // The peer is gone; the poller sees the end of the control stream and closes the link.
            log.debug("{}: control write failed", this, e);
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
        boolean flushing = outbound.hasPending();
        if (flushing || peerSaidBye || inbound.pollerLooks(sweep)) {
            poller.touching(this);
        }
        boolean work = flushing && outbound.flush(this::beforeDelivery);
        work |= inbound.poll(sweep);
        if (peerSaidBye && inbound.drained()) {
            String refused = peerRefused;
            closeNow(refused == null ? CloseReason.PEER : CloseReason.refusedByPeer(refused));
            return true;
        }
        return work;
    }

    void registered(Selector selector) throws IOException {
        key = control.register(selector, this);
        if (closeRequested) {
            closeNow(CloseReason.LOCAL);
        }
    }

    /** The control socket is readable: wake-ups, a goodbye, a fault's reason, or the end of the stream. */
    void onControlReadable() {
        try {
            if (!control.read(this)) {
                cancelKey();
                if (!peerSaidBye) {
                    closeNow(CloseReason.error(new ConduitException("the shm peer closed its control socket without a"
                            + " goodbye: its process died or was killed")));
                }
            }
        } catch (IOException e) {
            // A peer that closes with bytes of ours unread (a wake-up sent as it said goodbye) resets the socket
            // instead of ending the stream: after its goodbye that is an orderly close, finished once drained.
            cancelKey();
            if (peerSaidBye) {
                return;
            }
            // Without a goodbye, it died with bytes of ours unread.
            closeNow(CloseReason.error(new ConduitException(
                    "the shm peer's control socket failed (" + e.getMessage() + "): its process died or was killed",
                    e)));
        }
    }

    @Override
    public void bye() {
        peerSaidBye = true;
        inbound.end();
    }

    @Override
    public void fault(String message) {
        closeNow(CloseReason.error(new FramingException(
                "the shm peer " + remote + " closed the link on an error in what this side wrote: " + message)));
    }

    @Override
    public void refused(String message) {
        peerRefused = message;
        peerSaidBye = true;
        inbound.end();
    }

    /** Flags the inbound ring parked before the poller sleeps; false if there is work after all. */
    boolean prepareToPark() {
        if (closed) {
            return true;
        }
        poller.touching(this);
        return !closeRequested && !peerSaidBye && inbound.park();
    }

    void unparked() {
        if (!closed) {
            poller.touching(this);
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

    /**
     * Closes on a protocol error this side found in what the peer wrote ({@code error}), and tells the peer why
     * before the control socket closes; poller thread.
     */
    void fail(Throwable error) {
        closeNow(CloseReason.error(error), true);
    }

    /** Whether the segment's file still covers the mapping; false once the peer truncated it. */
    boolean segmentIntact() {
        return segment.intact();
    }

    @Override
    public void refuse(Throwable why) {
        if (!closeRequested) {
            closeRequested = true;
            poller.execute(() -> closeNow(CloseReason.error(why), true));
        }
    }

    /** Closes on the poller thread: fails waiting writes, says goodbye if this side chose to close, tells core. */
    void closeNow(CloseReason reason) {
        closeNow(reason, false);
    }

    private void tellPeer(byte kind, Throwable why) {
        try {
            control.sendReason(kind, String.valueOf(why.getMessage()));
        } catch (IOException e) {
            log.debug("{}: could not tell the peer why", this, e);
        }
    }

    private void closeNow(CloseReason reason, boolean tellPeer) {
        if (closed) {
            return;
        }
        poller.beforeCodeOf(this); // may throw a fault pending from another link's memory: before anything changes
        closed = true;
        boolean intact = segment.intact();
        if (!intact && reason.kind() != CloseReason.Kind.LOCAL) {
            reason = CloseReason.error(truncated());
            tellPeer = true;
        }
        outbound.close(reason);
        if (reason.kind() == CloseReason.Kind.LOCAL) {
            sendControl(Handshake.BYE);
        } else if (reason.error() instanceof FrameTooLargeException || reason.error() instanceof CodecException) {
            // What the peer sent broke this side's limits: say so, rather than let it look like a death.
            tellPeer(Handshake.REFUSED, reason.error());
        } else if (tellPeer && reason.error() != null) {
            tellPeer(Handshake.FAULT, reason.error());
        }
        cancelKey();
        try {
            control.close();
        } catch (IOException e) {
            log.debug("{}: closing the control socket failed", this, e);
        }
        // Both halves now hold their flags for good: no sender, receiver or poller touches the mapping again.
        inbound.close(intact);
        segment.unmap();
        poller.deregister(this);
        LinkListener l = listener;
        if (l != null) {
            l.onClosed(reason);
        }
    }

    private ConduitException truncated() {
        return new ConduitException("the shm peer truncated the shared segment of this link to " + segment.size()
                + " of its " + segment.length() + " bytes (a bus error on its memory); closed this link only");
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
