package dev.conduit.rpc.internal;

import dev.conduit.rpc.Metadata;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Frames copied for a connection whose two ends are in this process (inproc; see {@link FrameCodec#copyFor}): each
 * copy is the frame {@link FrameCodec} would decode from the frame's encoding, made without encoding the frame. Only
 * the message is encoded, as it must be (the receiver decodes it with its own codec, and may not share the sender's
 * object), into an array sized by its codec's hint, which the copy owns (copied once more only if the hint was not
 * exact).
 *
 * <p>Stateless: any thread.
 */
final class FrameCopies {
    private FrameCopies() {}

    /**
     * The frame a receiver whose messages may be at most {@code limit} bytes would decode from {@code f}'s encoding.
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
        Frame c = new Frame(f.type, f.flags, f.callId);
        switch (f.type) {
            case Frames.CALL_START -> {
                c.text = f.method();
                if (f.has(Frames.FLAG_DEADLINE)) {
                    c.longValue = f.timeoutNanos();
                }
                c.metadata = metadata(f.metadata);
                if (f.has(Frames.FLAG_MESSAGE)) {
                    payload(f, c, limit);
                }
            }
            case Frames.MESSAGE -> payload(f, c, limit);
            case Frames.CALL_END -> {
                c.code = f.code & 0xFF;
                c.text = text(f.text);
                c.metadata = metadata(f.metadata);
                if (f.has(Frames.FLAG_MESSAGE)) {
                    payload(f, c, limit);
                }
            }
            case Frames.CANCEL -> {
                c.code = f.code & 0xFF;
                c.text = text(f.text);
            }
            case Frames.WINDOW_UPDATE -> c.value = f.value;
            case Frames.PING, Frames.PONG -> c.longValue = f.pingData();
            case Frames.GOAWAY -> {
                c.value = f.value;
                c.code = f.code & 0xFF;
                c.text = text(f.text);
            }
            case Frames.HALF_CLOSE -> {}
            default -> throw new IllegalArgumentException("cannot encode " + f);
        }
        return c;
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

    /** Encodes {@code f}'s message and gives {@code c} the bytes, or only their size if over {@code limit}. */
    private static void payload(Frame f, Frame c, int limit) {
        ArrayWriteBuffer out = new ArrayWriteBuffer(f.messageSizeHint());
        f.encodeMessage(out);
        int n = out.size();
        c.payloadLength = n;
        c.cost = Frames.cost(n);
        if (n <= limit) {
            c.payload = out.toArray();
        }
    }
}
