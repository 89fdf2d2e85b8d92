package dev.conduit.rpc.internal;

import dev.conduit.core.Codec;
import dev.conduit.core.WriteBuffer;
import dev.conduit.rpc.Metadata;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes frames straight into the channel's buffer (payloads through their own codec, without an intermediate
 * array) and decodes them from the received buffer, copying only message payloads. Never throws on bad input:
 * undecodable bytes become a {@link Frames#MALFORMED} frame for the connection to act on.
 *
 * <p>Thread-safe and stateless apart from the local message size limit, so one instance serves every connection of
 * a server.
 */
final class FrameCodec implements Codec<Frame> {
    private final int maxMessageSize;
    /**
     * The method name of the last CALL_START decoded, reused when the next names the same method (most connections
     * call few methods, often one), so that decoding a call start allocates no name. Shared by the transport threads
     * of every connection this codec serves: a racy cache of immutable strings, safe to lose an update.
     */
    private volatile String lastMethod = "";

    FrameCodec(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    // ---------------------------------------------------------------- encode

    @Override
    public void encode(Frame f, WriteBuffer out) {
        if (f.type == Frames.HELLO) {
            out.writeInt(Frames.MAGIC).writeShort(f.value).writeShort(2);
            out.writeShort(Frames.SETTING_MAX_MESSAGE_SIZE).writeInt(f.maxMessageSize());
            out.writeShort(Frames.SETTING_INITIAL_WINDOW).writeInt(f.initialWindow());
            return;
        }
        out.writeByte(f.type).writeByte(f.flags).writeInt(f.callId);
        switch (f.type) {
            case Frames.CALL_START -> {
                String method = f.method();
                out.writeShort(method.length()).writeUtf8(method); // ASCII, checked by MethodDescriptor
                if (f.has(Frames.FLAG_DEADLINE)) {
                    out.writeLong(f.timeoutNanos());
                }
                writeMetadata(f.metadata, out);
                if (f.has(Frames.FLAG_MESSAGE)) {
                    writePayload(f, out);
                }
            }
            case Frames.MESSAGE -> writePayload(f, out);
            case Frames.CALL_END -> {
                out.writeByte(f.code);
                writeText(f.text, out);
                writeMetadata(f.metadata, out);
                if (f.has(Frames.FLAG_MESSAGE)) {
                    writePayload(f, out);
                }
            }
            case Frames.CANCEL -> {
                out.writeByte(f.code);
                writeText(f.text, out);
            }
            case Frames.WINDOW_UPDATE -> out.writeInt(f.value);
            case Frames.PING, Frames.PONG -> out.writeLong(f.pingData());
            case Frames.GOAWAY -> {
                out.writeInt(f.value).writeByte(f.code);
                writeText(f.text, out);
            }
            case Frames.HALF_CLOSE -> {}
            default -> throw new IllegalArgumentException("cannot encode " + f);
        }
    }

    private static void writePayload(Frame f, WriteBuffer out) {
        f.encodeMessage(out);
    }

    private static void writeText(@org.jspecify.annotations.Nullable String text, WriteBuffer out) {
        if (text == null || text.isEmpty()) {
            out.writeShort(0);
            return;
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, 0xFFFF);
        out.writeShort(n).writeBytes(b, 0, n);
    }

    private static void writeMetadata(@org.jspecify.annotations.Nullable Metadata md, WriteBuffer out) {
        int n = md == null ? 0 : md.size();
        if (n > 0xFFFF) {
            throw new IllegalArgumentException("more than 65535 metadata entries");
        }
        out.writeShort(n);
        for (int i = 0; i < n; i++) {
            String key = md.keyAt(i);
            byte[] value = md.valueBytesAt(i);
            out.writeByte(key.length()).writeUtf8(key).writeShort(value.length).writeBytes(value);
        }
    }

    // ---------------------------------------------------------------- decode

    @Override
    public Frame decode(ByteBuffer in) {
        try {
            if (in.remaining() >= 4 && in.getInt(in.position()) == Frames.MAGIC) {
                return decodeHello(in);
            }
            if (in.remaining() < Frames.HEADER_BYTES) {
                return Frame.malformed("a frame of " + in.remaining() + " bytes is shorter than the 6-byte header");
            }
            Frame f = new Frame(in.get() & 0xFF, in.get() & 0xFF, in.getInt());
            switch (f.type) {
                case Frames.CALL_START -> {
                    f.text = readMethod(in, in.getShort() & 0xFFFF);
                    if (f.has(Frames.FLAG_DEADLINE)) {
                        f.longValue = in.getLong();
                    }
                    f.metadata = readMetadata(in);
                    if (f.has(Frames.FLAG_MESSAGE)) {
                        readPayload(f, in);
                    }
                }
                case Frames.MESSAGE -> readPayload(f, in);
                case Frames.CALL_END -> {
                    f.code = in.get() & 0xFF;
                    f.text = readUtf8(in, in.getShort() & 0xFFFF);
                    f.metadata = readMetadata(in);
                    if (f.has(Frames.FLAG_MESSAGE)) {
                        readPayload(f, in);
                    }
                }
                case Frames.CANCEL -> {
                    f.code = in.get() & 0xFF;
                    f.text = readUtf8(in, in.getShort() & 0xFFFF);
                }
                case Frames.WINDOW_UPDATE -> f.value = in.getInt();
                case Frames.PING, Frames.PONG -> f.longValue = in.getLong();
                case Frames.GOAWAY -> {
                    f.value = in.getInt();
                    f.code = in.get() & 0xFF;
                    f.text = readUtf8(in, in.getShort() & 0xFFFF);
                }
                default -> {
                    // HALF_CLOSE has no body; unknown types are passed on for the connection to ignore.
                }
            }
            return f;
        } catch (BufferUnderflowException e) {
            return Frame.malformed("a frame ends before its fields do (truncated frame)");
        } catch (IllegalArgumentException e) {
            return Frame.malformed(e.getMessage());
        }
    }

    private static Frame decodeHello(ByteBuffer in) {
        in.getInt();
        int version = in.getShort() & 0xFFFF;
        int maxMessageSize = -1;
        int initialWindow = -1;
        int count = in.getShort() & 0xFFFF;
        for (int i = 0; i < count; i++) {
            int id = in.getShort() & 0xFFFF;
            int value = in.getInt();
            if (id == Frames.SETTING_MAX_MESSAGE_SIZE) {
                maxMessageSize = value;
            } else if (id == Frames.SETTING_INITIAL_WINDOW) {
                initialWindow = value;
            }
        }
        Frame f = Frame.hello(maxMessageSize, initialWindow);
        f.value = version;
        return f;
    }

    private void readPayload(Frame f, ByteBuffer in) {
        int n = in.remaining();
        f.payloadLength = n;
        f.cost = Frames.cost(n);
        if (n <= maxMessageSize) {
            byte[] bytes = new byte[n];
            in.get(bytes);
            f.payload = bytes;
        } else {
            in.position(in.limit());
        }
    }

    private static Metadata readMetadata(ByteBuffer in) {
        int n = in.getShort() & 0xFFFF;
        Metadata md = new Metadata();
        for (int i = 0; i < n; i++) {
            String key = readAscii(in, in.get() & 0xFF);
            byte[] value = new byte[in.getShort() & 0xFFFF];
            in.get(value);
            if (key.endsWith("-bin")) {
                md.putBinary(key, value);
            } else {
                md.put(key, new String(value, StandardCharsets.UTF_8));
            }
        }
        return md;
    }

    private String readMethod(ByteBuffer in, int n) {
        String last = lastMethod;
        if (last.length() == n && in.remaining() >= n) {
            int p = in.position();
            int i = 0;
            while (i < n && in.get(p + i) == (byte) last.charAt(i)) {
                i++;
            }
            if (i == n) {
                in.position(p + n);
                return last;
            }
        }
        String name = readAscii(in, n);
        lastMethod = name;
        return name;
    }

    private static String readAscii(ByteBuffer in, int n) {
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String readUtf8(ByteBuffer in, int n) {
        if (n == 0) {
            return ""; // an OK status's message: no copy
        }
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public int sizeHint(Frame f) {
        if (f.message != null && f.codec != null) {
            return 64 + f.codec.sizeHint(f.message);
        }
        return f.payload != null ? 64 + f.payload.length : 64;
    }

    /**
     * Between two ends in this process (inproc): the frame {@code receiver} would decode from {@code f}'s encoding,
     * made without it ({@link FrameCopies}), the message held to the receiver's size limit. The copy is {@code f}
     * itself, turned into that frame: RPC never changes a frame after sending it but to mark it sent, which no
     * receiver reads, so nothing the receiver holds is shared with anything the sender may change.
     */
    @Override
    public Frame copyFor(Codec<Frame> receiver, Frame f) {
        return FrameCopies.copy(f, ((FrameCodec) receiver).maxMessageSize);
    }

    @Override
    public String toString() {
        return "conduit-rpc frames";
    }
}
