package dev.conduit.core;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The built-in codecs: raw bytes, UTF-8 text and protobuf messages. All are stateless and thread-safe.
 *
 * <p>{@link #protobuf} needs {@code com.google.protobuf:protobuf-java} on the classpath; the others need nothing.
 */
public final class Codecs {
    private Codecs() {}

    private static final Codec<byte[]> BYTES = new Codec<>() {
        @Override
        public void encode(byte[] message, WriteBuffer out) {
            out.writeBytes(message);
        }

        @Override
        public byte[] decode(ByteBuffer in) {
            byte[] bytes = new byte[in.remaining()];
            in.get(bytes);
            return bytes;
        }

        @Override
        public byte[] decodeOwned(byte[] bytes) {
            return bytes; // handed over: no copy needed
        }

        @Override
        public int sizeHint(byte[] message) {
            return message.length;
        }

        @Override
        public String toString() {
            return "bytes";
        }
    };

    private static final Codec<String> TEXT = new Codec<>() {
        @Override
        public void encode(String message, WriteBuffer out) {
            out.writeUtf8(message);
        }

        @Override
        public String decode(ByteBuffer in) {
            if (in.hasArray()) {
                String s = new String(
                        in.array(), in.arrayOffset() + in.position(), in.remaining(), StandardCharsets.UTF_8);
                in.position(in.limit());
                return s;
            }
            byte[] bytes = new byte[in.remaining()];
            in.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public int sizeHint(String message) {
            return ByteBufUtil.utf8Bytes(message);
        }

        @Override
        public String toString() {
            return "text";
        }
    };

    /** Messages are byte arrays, sent as they are. Decoding copies the bytes into a new array. */
    public static Codec<byte[]> bytes() {
        return BYTES;
    }

    /** Messages are strings, sent as UTF-8. Malformed UTF-8 from a peer decodes to U+FFFD replacement characters. */
    public static Codec<String> text() {
        return TEXT;
    }

    /**
     * Messages are protobuf messages of one type, in protobuf's binary encoding.
     *
     * @param prototype any instance of the message type, usually {@code MyMessage.getDefaultInstance()}
     */
    public static <M extends MessageLite> Codec<M> protobuf(M prototype) {
        return new ProtobufCodec<>(prototype);
    }
}
