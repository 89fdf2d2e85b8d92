package dev.conduit.transport.nats.internal;

import dev.conduit.core.CloseReason;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.spi.LinkListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The receiving half of a session: DATA, PART and CLOSE messages wait here, in order, until the runtime reads them.
 * Whichever thread gets there first delivers them (the dispatcher, or a reader resuming), one at a time: a lock-free
 * drain guarded by {@link #wip}, so that the listener's calls stay serial and no lock is held while it runs.
 *
 * <p>What has been delivered is {@link #consumed()}; the grant this side gives its peer is that plus the window, so
 * a paused reader stops granting and its peer stops sending: at most a window waits here.
 */
final class Inbound {
    /** What the session does for the inbound half. */
    interface Session {
        /** The grant moved on by half a window or more: tell the peer. */
        void grantMoved();

        /** Delivery ended with the peer's CLOSE: {@code error} is its reason if it closed on an error, else null. */
        void peerClosed(@Nullable String error);

        /** A frame is over this side's limit, or a message is malformed: the session closes on this error. */
        void failed(RuntimeException e);
    }

    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final Session session;
    private final int window;
    private final int maxFrame;
    private volatile @Nullable LinkListener listener;
    private volatile boolean paused;
    private volatile @Nullable CloseReason closing;
    private volatile long consumed;
    private volatile long advertised;

    // Owned by whoever holds wip.
    private byte @Nullable [] current;
    private int position;
    private byte @Nullable [] assembling;
    private int assembled;
    private boolean closeDelivered;

    Inbound(Session session, int window, int maxFrame) {
        this.session = session;
        this.window = window;
        this.maxFrame = maxFrame;
        this.advertised = window;
    }

    /** The grant to send the peer now, and remember as sent. */
    long grant() {
        long g = consumed + window;
        advertised = g;
        return g;
    }

    long consumed() {
        return consumed;
    }

    /** Starts delivering to {@code l}. */
    void bind(LinkListener l) {
        listener = l;
        drain();
    }

    /** A DATA, PART or CLOSE message, in sequence order. */
    void add(byte[] message) {
        queue.add(message);
        drain();
    }

    void setPaused(boolean pause) {
        paused = pause;
        if (!pause) {
            drain();
        }
    }

    /** Ends delivery: whatever waits is dropped and the listener hears {@code reason}, once. */
    void close(CloseReason reason) {
        if (closing == null) {
            closing = reason;
        }
        drain();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            LinkListener l = listener;
            if (l != null && !closeDelivered) {
                CloseReason reason = closing;
                if (reason != null) {
                    deliverClose(l, reason);
                } else {
                    try {
                        deliverWaiting(l);
                    } catch (RuntimeException e) {
                        current = null;
                        session.failed(e);
                    }
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void deliverWaiting(LinkListener l) {
        while (!paused && closing == null) {
            byte[] m = current != null ? current : queue.poll();
            if (m == null) {
                return;
            }
            switch (m[0]) {
                case Wire.DATA -> deliverRecords(l, m);
                case Wire.PART -> assemble(l, m);
                case Wire.CLOSE -> {
                    boolean error = m.length > Wire.HEADER && m[Wire.HEADER] != 0;
                    String text = m.length > Wire.HEADER + 1
                            ? new String(m, Wire.HEADER + 1, m.length - Wire.HEADER - 1, StandardCharsets.UTF_8)
                            : "";
                    session.peerClosed(error ? text : null);
                    return;
                }
                default -> {
                    // only the three kinds above are queued
                }
            }
            if (consumed + window - advertised >= window / 2) {
                session.grantMoved();
            }
        }
    }

    /** Delivers a DATA message's frames, or as many as the reader takes before it pauses. */
    private void deliverRecords(LinkListener l, byte[] m) {
        if (current == null) {
            current = m;
            position = Wire.HEADER;
        }
        ByteBuffer b = ByteBuffer.wrap(m);
        while (position < m.length) {
            int size = b.getInt(position);
            int start = position + Wire.RECORD_HEADER;
            if (size < 0 || size > m.length - start) {
                throw new IllegalStateException(
                        "a DATA record claims " + size + " bytes; " + (m.length - start) + " are left in its message");
            }
            position = start + size;
            consumed += Wire.RECORD_HEADER + size;
            if (size > maxFrame) {
                session.failed(new FrameTooLargeException(size, maxFrame, "frame"));
                current = null;
                return;
            }
            l.onFrame(ByteBuffer.wrap(m, start, size));
            if ((paused || closing != null) && position < m.length) {
                return; // the rest of this message waits for the reader
            }
        }
        current = null;
    }

    /** Adds a PART's bytes to the frame being assembled; delivers the frame when its last piece has come. */
    private void assemble(LinkListener l, byte[] m) {
        ByteBuffer b = ByteBuffer.wrap(m, Wire.HEADER, Wire.PART_HEADER);
        int total = b.getInt();
        int offset = b.getInt();
        int length = m.length - Wire.HEADER - Wire.PART_HEADER;
        consumed += Wire.PART_HEADER + length;
        if (total > maxFrame) {
            // Refused before anything of the claimed size is allocated.
            session.failed(new FrameTooLargeException(total, maxFrame, "frame"));
            return;
        }
        if (offset == 0) {
            assembling = new byte[total];
            assembled = 0;
        }
        byte[] frame = assembling;
        if (frame == null || frame.length != total || offset != assembled || offset + length > total) {
            throw new IllegalStateException("a PART for bytes " + offset + ".." + (offset + length) + " of a " + total
                    + "-byte frame does not follow the " + assembled + " bytes assembled");
        }
        System.arraycopy(m, Wire.HEADER + Wire.PART_HEADER, frame, offset, length);
        assembled += length;
        if (assembled == total) {
            assembling = null;
            l.onFrame(ByteBuffer.wrap(frame));
        }
    }

    private void deliverClose(LinkListener l, CloseReason reason) {
        closeDelivered = true;
        queue.clear();
        current = null;
        assembling = null;
        l.onClosed(reason);
    }
}
