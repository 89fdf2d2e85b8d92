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
 * Turns the records of an inbound ring into messages for core: a whole message goes on as a view into the ring (no
 * copy), a fragmented one is reassembled into a pooled buffer whose size was checked against {@code maxFrame} before
 * it was allocated. A record that does not fit the protocol is a {@link FramingException}, which closes the link.
 *
 * <p>Threads and guards: used only by the thread that holds its {@link ShmInbound}'s reading flag, whose
 * compare-and-set and release store pass a half-reassembled message from one reader to the next.
 */
final class RecordAssembler implements RingReader.RecordHandler {
    private final ShmInbound inbound;
    private final ByteBufAllocator allocator;
    private final int maxFrame;

    /* Guarded by the reading flag. */
    private @Nullable ByteBuf assembling;
    private int expected;

    RecordAssembler(ShmInbound inbound, ByteBufAllocator allocator, int maxFrame) {
        this.inbound = inbound;
        this.allocator = allocator;
        this.maxFrame = maxFrame;
    }

    @Override
    public boolean onRecord(int type, ByteBuffer payload) {
        LinkListener l = inbound.listener;
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
        return !inbound.isPaused();
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

    /** Releases a half-assembled message, if any; the caller holds the reading flag for good (the ring closed). */
    void discard() {
        ByteBuf buf = assembling;
        assembling = null;
        if (buf != null) {
            buf.release();
        }
    }
}
