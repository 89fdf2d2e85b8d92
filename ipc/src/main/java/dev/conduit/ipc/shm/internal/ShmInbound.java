package dev.conduit.ipc.shm.internal;

import static dev.conduit.ipc.shm.internal.RingDescriptor.FIRST;
import static dev.conduit.ipc.shm.internal.RingDescriptor.FIRST_PREFIX;
import static dev.conduit.ipc.shm.internal.RingDescriptor.LAST;
import static dev.conduit.ipc.shm.internal.RingDescriptor.MIDDLE;
import static dev.conduit.ipc.shm.internal.RingDescriptor.WHOLE;

import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.FramingException;
import dev.conduit.core.spi.LinkListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The receiving half of a link, on the poller thread: reads records from the inbound ring, hands whole messages to
 * core as views into the ring (no copy), and reassembles fragmented ones into a pooled buffer whose size was checked
 * against {@code maxFrame} before it was allocated. Any record that does not fit the protocol is a {@link
 * FramingException}, which closes the link.
 */
final class ShmInbound implements RingReader.RecordHandler {
    private final ShmLink link;
    private final ByteBufAllocator allocator;
    private final int maxFrame;
    private final int pollBytes;
    private @Nullable RingReader ring;

    private volatile boolean paused;
    private boolean parked;
    private @Nullable LinkListener listener;
    private @Nullable ByteBuf assembling;
    private int expected;

    ShmInbound(ShmLink link, RingReader ring, ByteBufAllocator allocator, int maxFrame) {
        this.link = link;
        this.ring = ring;
        this.allocator = allocator;
        this.maxFrame = maxFrame;
        // Small batches hand space back to the writer early, so that it rarely finds the ring full.
        this.pollBytes = Math.min(32 << 10, ring.capacity() / 4);
    }

    /** Sets the pause state; returns whether it changed. Any thread. */
    boolean setPaused(boolean pause) {
        if (paused == pause) {
            return false;
        }
        paused = pause;
        return true;
    }

    /** Reads what has arrived, unless paused; returns whether anything was read. */
    boolean poll(@Nullable LinkListener l) {
        RingReader r = ring;
        if (paused || r == null || l == null) {
            return false;
        }
        if (listener != l) {
            listener = l; // once: a write every round would take the line from threads reading its neighbours
        }
        if (r.poll(this, pollBytes) == 0) {
            return false;
        }
        link.wakeWriter(r);
        return true;
    }

    /** Whether everything the peer published has been delivered (so a peer's goodbye can close the link now). */
    boolean drained() {
        RingReader r = ring;
        return r == null || (!paused && !r.hasRecord());
    }

    boolean park() {
        RingReader r = ring;
        if (paused || r == null) {
            return true;
        }
        parked = r.park();
        return parked;
    }

    void unpark() {
        RingReader r = ring;
        if (parked && r != null) {
            r.unpark();
        }
        parked = false;
    }

    @Override
    public boolean onRecord(int type, ByteBuffer payload) {
        LinkListener l = listener;
        switch (type) {
            case WHOLE -> {
                if (assembling != null) {
                    throw new FramingException("shm: a whole message arrived inside a fragmented one");
                }
                l.onFrame(payload);
            }
            case FIRST -> first(payload);
            case MIDDLE, LAST -> fragment(payload, type == LAST, l);
            default -> throw new FramingException("shm: unknown record type " + type);
        }
        return !paused;
    }

    private void first(ByteBuffer payload) {
        if (assembling != null) {
            throw new FramingException("shm: a message began inside a fragmented one");
        }
        if (payload.remaining() < FIRST_PREFIX) {
            throw new FramingException("shm: a first fragment of " + payload.remaining() + " bytes");
        }
        int total = payload.getInt(payload.position());
        if (total > maxFrame) {
            throw new FrameTooLargeException(total, maxFrame, "frame");
        }
        int chunk = payload.remaining() - FIRST_PREFIX;
        if (total <= chunk) {
            throw new FramingException("shm: a fragmented message of " + total + " bytes");
        }
        expected = total;
        ByteBuf buf = allocator.directBuffer(total, total);
        assembling = buf;
        payload.position(payload.position() + FIRST_PREFIX);
        buf.writeBytes(payload);
    }

    private void fragment(ByteBuffer payload, boolean last, LinkListener l) {
        ByteBuf buf = assembling;
        if (buf == null) {
            throw new FramingException("shm: a fragment arrived without a first one");
        }
        if (payload.remaining() > expected - buf.readableBytes()) {
            throw new FramingException("shm: fragments exceed the announced " + expected + " bytes");
        }
        buf.writeBytes(payload);
        if (!last) {
            return;
        }
        if (buf.readableBytes() != expected) {
            throw new FramingException(
                    "shm: a message of " + expected + " bytes ended after " + buf.readableBytes() + " bytes");
        }
        assembling = null;
        try {
            l.onFrame(buf.nioBuffer());
        } finally {
            buf.release();
        }
    }

    /** Drops the ring and any half-assembled message; poller thread. */
    void close() {
        unpark();
        ring = null;
        ByteBuf buf = assembling;
        assembling = null;
        if (buf != null) {
            buf.release();
        }
    }
}
