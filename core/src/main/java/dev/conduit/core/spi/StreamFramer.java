package dev.conduit.core.spi;

import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.Framing;
import dev.conduit.core.FramingException;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Cuts a byte stream into frames and back, for stream transports (tcp, unix, pipe, fifo). One instance per link
 * and direction pair; not thread-safe for decoding (the transport's reader owns it), thread-safe for encoding.
 *
 * <p>Byte layouts (see {@code docs/wire-format.md}):
 *
 * <pre>
 * LENGTH:  +--------+--------+--------+--------+---------------------+
 *          |  length (int32, big-endian, 0..maxFrame) |  payload (length)   |
 *          +--------+--------+--------+--------+---------------------+
 * LINE:    +------------------------------+------+
 *          | payload (no '\n' inside)     | '\n' |     a '\r' before '\n' is dropped on receive
 *          +------------------------------+------+
 * </pre>
 *
 * <p>Decoding never allocates the size a frame claims: a length is checked against {@code maxFrame} as soon as its 4
 * bytes are read, and a line as soon as more than {@code maxFrame} bytes arrive without a newline.
 */
public abstract sealed class StreamFramer {
    final int maxFrame;

    private StreamFramer(int maxFrame) {
        this.maxFrame = maxFrame;
    }

    /** A framer for {@link Framing#LENGTH} or {@link Framing#LINE}. */
    public static StreamFramer of(Framing framing, int maxFrame) {
        return switch (framing) {
            case LENGTH -> new Length(maxFrame);
            case LINE -> new Line(maxFrame);
            case NONE -> throw new IllegalArgumentException("a byte stream needs framing=length or framing=line");
        };
    }

    /** Bytes to reserve before each payload for the header (see {@link Link#headroom()}). */
    public abstract int headroom();

    /**
     * Turns a payload into a frame in place: writes the header into the headroom before the reader index, or
     * appends the delimiter.
     *
     * @throws FramingException if this framing cannot carry the payload (a newline in a line-framed message)
     */
    public abstract void encode(ByteBuf payload);

    /**
     * Delivers every whole frame readable in {@code in} to {@code sink}, advancing the reader index past them; bytes
     * of an incomplete frame stay in {@code in}.
     *
     * @throws FramingException for a negative or oversized length or an oversized line; the stream is then unusable
     */
    public abstract void decode(ByteBuf in, LinkListener sink);

    /**
     * Checks the bytes left when the stream ends.
     *
     * @throws FramingException if {@code remaining} holds part of a frame
     */
    public void finish(ByteBuf remaining) {
        if (remaining.isReadable()) {
            throw new FramingException("stream ended inside a frame: " + remaining.readableBytes()
                    + " bytes of an unfinished " + describePartial(remaining) + " (truncated frame)");
        }
    }

    abstract String describePartial(ByteBuf remaining);

    /**
     * Checks that a payload can travel with {@link Framing#LINE}: it must not contain {@code '\n'}.
     *
     * @throws FramingException naming the offset of the first newline
     */
    public static void checkLine(ByteBuf payload) {
        int newline = payload.indexOf(payload.readerIndex(), payload.writerIndex(), (byte) '\n');
        if (newline >= 0) {
            throw new FramingException("line framing cannot carry a message with a newline (at byte "
                    + (newline - payload.readerIndex()) + " of " + payload.readableBytes() + ")");
        }
    }

    static ByteBuffer view(ByteBuf in, int index, int length) {
        return in.nioBufferCount() == 1 ? in.internalNioBuffer(index, length) : in.nioBuffer(index, length);
    }

    static final class Length extends StreamFramer {
        Length(int maxFrame) {
            super(maxFrame);
        }

        @Override
        public int headroom() {
            return 4;
        }

        @Override
        public void encode(ByteBuf payload) {
            int length = payload.readableBytes();
            int at = payload.readerIndex() - 4;
            payload.setInt(at, length);
            payload.readerIndex(at);
        }

        @Override
        public void decode(ByteBuf in, LinkListener sink) {
            while (in.readableBytes() >= 4) {
                int at = in.readerIndex();
                int length = in.getInt(at);
                if (length < 0) {
                    throw new FramingException("frame length " + length + " is negative (length field 0x"
                            + Integer.toHexString(length) + "); the peer is not speaking length-prefixed framing");
                }
                if (length > maxFrame) {
                    throw new FrameTooLargeException(length, maxFrame, "frame");
                }
                if (in.readableBytes() - 4 < length) {
                    return;
                }
                in.readerIndex(at + 4 + length);
                sink.onFrame(view(in, at + 4, length));
            }
        }

        @Override
        String describePartial(ByteBuf remaining) {
            return remaining.readableBytes() < 4
                    ? "length field"
                    : "frame of " + remaining.getInt(remaining.readerIndex()) + " bytes";
        }
    }

    static final class Line extends StreamFramer {
        /** Bytes after the reader index already known to hold no newline. */
        private int scanned;

        Line(int maxFrame) {
            super(maxFrame);
        }

        @Override
        public int headroom() {
            return 0;
        }

        @Override
        public void encode(ByteBuf payload) {
            checkLine(payload);
            payload.writeByte('\n');
        }

        @Override
        public void decode(ByteBuf in, LinkListener sink) {
            while (true) {
                int start = in.readerIndex();
                int newline = in.indexOf(start + scanned, in.writerIndex(), (byte) '\n');
                if (newline < 0) {
                    scanned = in.readableBytes();
                    if (scanned > maxFrame) {
                        throw new FrameTooLargeException(scanned, maxFrame, "line");
                    }
                    return;
                }
                scanned = 0;
                int length = newline - start;
                if (length > 0 && in.getByte(newline - 1) == '\r') {
                    length--;
                }
                if (length > maxFrame) {
                    throw new FrameTooLargeException(length, maxFrame, "line");
                }
                in.readerIndex(newline + 1);
                sink.onFrame(view(in, start, length));
            }
        }

        @Override
        String describePartial(ByteBuf remaining) {
            return "line (no newline)";
        }
    }
}
