package dev.conduit.rpc.internal;

import dev.conduit.rpc.Metadata;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Frames passed to a connection whose two ends are in this process (inproc; see {@link FrameCodec#copyFor}): the
 * frame is turned, in place, into the frame {@link FrameCodec} would decode from its encoding, made without encoding
 * the frame. Only the message is encoded, as it must be (the receiver decodes it with its own codec, and may not share
 * the sender's object), into an array sized by its codec's hint, which the frame then owns (copied once more only if
 * the hint was not exact); metadata is copied. The frame object itself passes to the receiver: a sender never changes
 * a frame it has sent, and reads of it after the send (its cost and wire size, its type, code and text) find what
 * they found before; the one field it still writes, {@link Frame#sent}, no receiver reads. So a frame costs one
 * object, not two.
 *
 * <p>Stateless: any thread.
 */
final class FrameCopies {
    private FrameCopies() {}

    /**
     * {@code f} as a receiver whose messages may be at most {@code limit} bytes would decode it from its encoding:
     * {@code f} itself, changed in place (a new frame for a HELLO). On an exception {@code f} is as it was.
     *
     * @throws IllegalArgumentException for a frame type that cannot be encoded
     * @throws MessageTooLargeException if the message is larger than the peer accepts (checked as when encoding)
     */
    static Frame copy(Frame f, int limit) {
        if (f.type == Frames.HELLO) {
            Frame c = Frame.hello(f.maxMessageSize(), f.initialWindow());
            c.value = f.value;
            return c;
        }
        switch (f.type) {
            case Frames.CALL_START, Frames.MESSAGE, Frames.CALL_END -> {
                if (f.carriesMessage()) {
                    payload(f, limit); // first: it may throw, and the frame must then be as it was
                }
            }
            case Frames.CANCEL, Frames.WINDOW_UPDATE, Frames.PING, Frames.PONG, Frames.GOAWAY, Frames.HALF_CLOSE -> {}
            default -> throw new IllegalArgumentException("cannot encode " + f);
        }
        switch (f.type) {
            case Frames.CALL_START -> {
                f.text = f.method();
                if (!f.has(Frames.FLAG_DEADLINE)) {
                    f.longValue = 0;
                }
                f.metadata = metadata(f.metadata);
            }
            case Frames.CALL_END -> {
                f.code &= 0xFF;
                f.text = text(f.text);
                f.metadata = metadata(f.metadata);
            }
            case Frames.CANCEL, Frames.GOAWAY -> {
                f.code &= 0xFF;
                f.text = text(f.text);
            }
            default -> {}
        }
        // What only an outbound frame has: the receiver's frame has none of it.
        f.message = null;
        f.codec = null;
        f.compressed = false;
        f.responseHeaders = null;
        f.encoding = null;
        f.abortEnd = false;
        f.carried = null;
        return f;
    }

    /** As the wire carries metadata: absent becomes empty; values are immutable arrays, so the copy shares them. */
    private static Metadata metadata(@Nullable Metadata md) {
        return md == null ? new Metadata() : md.copy();
    }

    /** As the wire carries a status text: absent becomes empty, and at most 65535 UTF-8 bytes are kept. */
    private static String text(@Nullable String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        if (text.length() <= 0xFFFF / 3) {
            return text; // even at three bytes a character it fits
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return b.length <= 0xFFFF ? text : new String(b, 0, 0xFFFF, StandardCharsets.UTF_8);
    }

    /**
     * Encodes {@code f}'s message and gives {@code f} the bytes, or only their size if over {@code limit} (the size
     * and cost are what encoding the message sets, which its sender reads after the send).
     */
    private static void payload(Frame f, int limit) {
        ArrayWriteBuffer out = new ArrayWriteBuffer(f.messageSizeHint());
        f.encodeMessage(out);
        int n = out.size();
        f.payload = n <= limit ? out.toArray() : null;
    }
}
