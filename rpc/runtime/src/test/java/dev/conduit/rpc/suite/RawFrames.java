package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Protocol frames written and read by hand, from {@code docs/rpc-protocol.md} alone and independent of the runtime's
 * codec: what a client in another language would do. Used to send what a well-behaved client never would.
 */
final class RawFrames {
    private RawFrames() {}

    static final int MAGIC = 0x43525043;
    static final int CALL_START = 1;
    static final int MESSAGE = 2;
    static final int HALF_CLOSE = 3;
    static final int CALL_END = 4;
    static final int CANCEL = 5;
    static final int WINDOW_UPDATE = 6;
    static final int PING = 7;
    static final int PONG = 8;
    static final int GOAWAY = 9;
    static final int FLAG_DEADLINE = 1;
    static final int FLAG_MESSAGE = 2;
    static final int FLAG_HALF_CLOSE = 4;

    static byte[] hello(int version) {
        return build(out -> {
            out.writeInt(MAGIC);
            out.writeShort(version);
            out.writeShort(2);
            out.writeShort(1); // MAX_MESSAGE_SIZE
            out.writeInt(4 << 20);
            out.writeShort(2); // INITIAL_WINDOW
            out.writeInt(1 << 20);
        });
    }

    /** CALL_START with the whole request and the half-close; a deadline if {@code timeoutNanos > 0}. */
    static byte[] unaryCall(int callId, String method, long timeoutNanos, byte[] request) {
        int flags = FLAG_MESSAGE | FLAG_HALF_CLOSE | (timeoutNanos > 0 ? FLAG_DEADLINE : 0);
        return build(out -> {
            header(out, CALL_START, flags, callId);
            byte[] name = method.getBytes(StandardCharsets.US_ASCII);
            out.writeShort(name.length);
            out.write(name);
            if (timeoutNanos > 0) {
                out.writeLong(timeoutNanos);
            }
            out.writeShort(0); // no metadata
            out.write(request);
        });
    }

    static byte[] message(int callId, byte[] payload) {
        return build(out -> {
            header(out, MESSAGE, 0, callId);
            out.write(payload);
        });
    }

    /** CALL_END with status {@code code}, no text, no trailers, and {@code response} as the call's one response. */
    static byte[] callEndWithResponse(int callId, int code, byte[] response) {
        return build(out -> {
            header(out, CALL_END, FLAG_MESSAGE, callId);
            out.writeByte(code);
            out.writeShort(0); // no text
            out.writeShort(0); // no trailers
            out.write(response);
        });
    }

    static byte[] bare(int type, int callId) {
        return build(out -> header(out, type, 0, callId));
    }

    static byte[] cancel(int callId) {
        return build(out -> {
            header(out, CANCEL, 0, callId);
            out.writeByte(1);
            out.writeShort(0);
        });
    }

    static byte[] windowUpdate(int callId, int increment) {
        return build(out -> {
            header(out, WINDOW_UPDATE, 0, callId);
            out.writeInt(increment);
        });
    }

    static byte[] ping(long data) {
        return build(out -> {
            header(out, PING, 0, 0);
            out.writeLong(data);
        });
    }

    /** GOAWAY: calls after {@code lastCallId} were not processed. */
    static byte[] goAway(int lastCallId, int code, String message) {
        return build(out -> {
            header(out, GOAWAY, 0, 0);
            out.writeInt(lastCallId);
            out.writeByte(code);
            byte[] text = message.getBytes(StandardCharsets.UTF_8);
            out.writeShort(text.length);
            out.write(text);
        });
    }

    /** The next frame {@code ch} receives, parsed; fails the test if none arrives within {@code timeout}. */
    static Received next(Channel<byte[]> ch, Duration timeout) throws InterruptedException {
        byte[] frame = ch.receive(timeout);
        assertThat(frame).as("a frame from the server within " + timeout).isNotNull();
        return Received.parse(frame);
    }

    private static void header(DataOutputStream out, int type, int flags, int callId) throws IOException {
        out.writeByte(type);
        out.writeByte(flags);
        out.writeInt(callId);
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] build(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A received frame's header and, for CALL_END and GOAWAY, the status. */
    record Received(int type, int flags, int callId, int code, String text, byte[] rest) {
        /** For a CALL_END without trailers: the message it carries. */
        byte[] payloadAfterTrailers() {
            ByteBuffer in = ByteBuffer.wrap(rest);
            if (in.getShort() != 0) {
                throw new IllegalStateException("expected no trailers");
            }
            byte[] payload = new byte[in.remaining()];
            in.get(payload);
            return payload;
        }

        static Received parse(byte[] frame) {
            ByteBuffer in = ByteBuffer.wrap(frame);
            if (in.remaining() >= 4 && in.getInt(0) == MAGIC) {
                return new Received(0, 0, 0, 0, "HELLO", frame);
            }
            int type = in.get() & 0xFF;
            int flags = in.get() & 0xFF;
            int callId = in.getInt();
            int code = -1;
            String text = "";
            if (type == CALL_END || type == GOAWAY) {
                if (type == GOAWAY) {
                    in.getInt();
                }
                code = in.get() & 0xFF;
                byte[] t = new byte[in.getShort() & 0xFFFF];
                in.get(t);
                text = new String(t, StandardCharsets.UTF_8);
            }
            byte[] rest = new byte[in.remaining()];
            in.get(rest);
            return new Received(type, flags, callId, code, text, rest);
        }
    }
}
