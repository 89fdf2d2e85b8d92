package dev.conduit.rpc.internal.grpc;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Cuts one stream's DATA bytes into gRPC messages (a 1-byte compressed flag, a 4-byte big-endian length, the
 * message), whatever the DATA frame boundaries, and accounts their HTTP/2 flow-control bytes. Event loop only.
 *
 * <pre>
 * +--------------+--------------------+-----------------------+
 * | flag (0 / 1) | length (u32, BE)   | message (length bytes) |
 * +--------------+--------------------+-----------------------+
 * </pre>
 *
 * <p>Flow control: bytes of a message are held (not returned to the peer's window) until the application consumes
 * the message, so a slow reader stops its sender. A message may be larger than the window, though, and would then
 * never complete; so at most {@code holdLimit} bytes of a message are held, and bytes past that are returned as they
 * arrive. What a stream holds is thus bounded by the window plus the messages larger than half of it.
 */
final class MessageDeframer {

    /** Where complete messages go. */
    interface Sink {
        /** A complete message, which holds {@code cost} bytes of window until it is consumed. */
        void message(byte[] payload, boolean compressed, long cost);

        /** A message announced larger than the limit; the rest of the stream is discarded. */
        void tooLarge(long length, int limit);

        /** The bytes are not gRPC messages (a flag other than 0 and 1). */
        void malformed(String why);
    }

    private static final int FIRST_CHUNK = 64 << 10;

    private final Sink sink;
    private final int maxMessageSize;
    private final long holdLimit;
    private final byte[] header = new byte[5];
    private int headerFill;
    private int length;
    private byte[] body = new byte[0];
    private int bodyFill;
    private long held;
    private boolean discarding;

    MessageDeframer(Sink sink, int maxMessageSize, int window) {
        this.sink = sink;
        this.maxMessageSize = maxMessageSize;
        this.holdLimit = Math.max(5, window / 2 - 1);
    }

    /**
     * Takes the readable bytes of {@code data}.
     *
     * @return how many of them to return to the peer's window at once
     */
    int feed(ByteBuf data) {
        int returnNow = 0;
        while (data.isReadable()) {
            if (discarding) {
                returnNow += data.readableBytes();
                data.skipBytes(data.readableBytes());
                break;
            }
            int chunk;
            if (headerFill < 5) {
                chunk = Math.min(5 - headerFill, data.readableBytes());
                data.readBytes(header, headerFill, chunk);
                headerFill += chunk;
                returnNow += hold(chunk);
                if (headerFill == 5 && !startMessage()) {
                    returnNow += (int) held;
                    held = 0;
                }
            } else {
                chunk = Math.min(length - bodyFill, data.readableBytes());
                ensureCapacity(bodyFill + chunk);
                data.readBytes(body, bodyFill, chunk);
                bodyFill += chunk;
                returnNow += hold(chunk);
                if (bodyFill == length) {
                    emit();
                }
            }
        }
        return returnNow;
    }

    /** Whether a message is partly received: the stream must not end here. */
    boolean hasPartialMessage() {
        return !discarding && headerFill > 0;
    }

    private int hold(int chunk) {
        long kept = Math.min(chunk, holdLimit - held);
        held += kept;
        return (int) (chunk - kept);
    }

    /** Reads the header just completed; false if the stream is now discarded. */
    private boolean startMessage() {
        int flag = header[0] & 0xFF;
        long len = ((header[1] & 0xFFL) << 24)
                | ((header[2] & 0xFF) << 16)
                | ((header[3] & 0xFF) << 8)
                | (header[4] & 0xFF);
        if (flag > 1) {
            discarding = true;
            sink.malformed("message flag " + flag + " is neither 0 nor 1");
            return false;
        }
        if (len > maxMessageSize) {
            discarding = true;
            sink.tooLarge(len, maxMessageSize);
            return false;
        }
        length = (int) len;
        bodyFill = 0;
        // Grow with what arrives rather than trust the announced length: a peer that announces large messages and
        // sends nothing must not make this side allocate them.
        body = new byte[Math.min(length, FIRST_CHUNK)];
        if (length == 0) {
            emit();
        }
        return true;
    }

    private void ensureCapacity(int needed) {
        if (needed > body.length) {
            body = Arrays.copyOf(body, (int) Math.min(length, Math.max(needed, 2L * body.length)));
        }
    }

    private void emit() {
        byte[] payload = body;
        boolean compressed = header[0] == 1;
        long cost = held;
        headerFill = 0;
        held = 0;
        body = EMPTY;
        sink.message(payload, compressed, cost);
    }

    private static final byte[] EMPTY = new byte[0];
}
