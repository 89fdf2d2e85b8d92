package dev.conduit.rpc.internal.grpc;

import dev.conduit.core.internal.ByteBufWriteBuffer;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.Frame;
import dev.conduit.rpc.internal.MessageEncoding;
import dev.conduit.rpc.internal.MessageTooLargeException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes a frame's message as a gRPC length-prefixed message in a pooled buffer: the 5-byte prefix, then the
 * marshaller's bytes (gzip-compressed if asked). Runs on the thread that sends, so marshalling and compression stay
 * off the event loop. The frame's cost becomes its bytes on the wire: what it takes of the peer's HTTP/2 window.
 */
final class MessageFramer {
    private MessageFramer() {}

    /** Thrown with the status the call should end with when a message cannot be encoded. */
    static final class EncodeException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Status status;

        EncodeException(Status status) {
            super(status.toString(), status.cause(), false, false);
            this.status = status;
        }
    }

    /**
     * The encoded message of {@code f}; the caller owns the buffer.
     *
     * @throws EncodeException if the marshaller fails or the message is too large
     */
    static ByteBuf encode(Frame f, ByteBufAllocator alloc, boolean gzip) {
        ByteBuf buf = alloc.buffer(5 + Math.max(0, f.messageSizeHint()));
        try {
            buf.writerIndex(5);
            f.encodeMessage(new ByteBufWriteBuffer(buf));
            int length = buf.readableBytes() - 5;
            if (gzip && f.compressed() && length > 0) {
                ByteBuf z = alloc.buffer(5 + length / 2 + 32);
                try {
                    z.writerIndex(5);
                    MessageEncoding.gzip(buf.skipBytes(5), z);
                    z.setByte(0, 1).setInt(1, z.readableBytes() - 5);
                } catch (RuntimeException e) {
                    z.release();
                    throw e;
                }
                buf.release();
                f.compressedSize(z.readableBytes() - 5);
                f.cost(z.readableBytes());
                return z;
            }
            buf.setByte(0, 0).setInt(1, length);
            f.cost(buf.readableBytes());
            return buf;
        } catch (MessageTooLargeException e) {
            buf.release();
            throw new EncodeException(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()));
        } catch (RuntimeException e) {
            buf.release();
            throw new EncodeException(Status.INTERNAL
                    .withDescription("could not encode message: " + e)
                    .withCause(e));
        }
    }
}
