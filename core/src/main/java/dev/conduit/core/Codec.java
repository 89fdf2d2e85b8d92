package dev.conduit.core;

import java.nio.ByteBuffer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Turns messages of type {@code T} into bytes and back. Built-in codecs are in {@link Codecs}; a codec of your own
 * is a few lines:
 *
 * <pre>{@code
 * Codec<Point> points = new Codec<>() {
 *     public void encode(Point p, WriteBuffer out) { out.writeInt(p.x()).writeInt(p.y()); }
 *     public Point decode(ByteBuffer in) { return new Point(in.getInt(), in.getInt()); }
 * };
 * }</pre>
 *
 * <p>Codecs must be thread-safe: one codec instance serves every channel it is given to, and {@code encode} runs on
 * whichever thread calls {@code send}. Java serialization is deliberately not offered.
 *
 * @param <T> the message type
 */
public interface Codec<T> {

    /** Appends the encoding of {@code message} to {@code out}. Exceptions fail the send with {@link CodecException}. */
    void encode(T message, WriteBuffer out);

    /**
     * Decodes one whole message from {@code in}, whose remaining bytes are exactly the message. The buffer is only
     * valid during the call: copy what you keep. Exceptions close the channel with a {@link CodecException}.
     */
    T decode(ByteBuffer in);

    /**
     * Decodes one whole message from {@code bytes}, an array the caller hands over: the codec may keep it, as the
     * message or part of it, and nobody writes to it afterwards. For callers that already hold a message's bytes in an
     * array of their own (RPC does), so that a codec can skip a copy: {@link Codecs#bytes()} returns the array as it
     * is. The default decodes a {@link ByteBuffer} over it. Exceptions are those of {@link #decode(ByteBuffer)}.
     */
    default T decodeOwned(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    /**
     * For a channel whose two ends are in this process (inproc): {@code message} as {@code receiver}, a codec of this
     * codec's class at the other end, would decode this codec's encoding of it, made without the bytes; or null (the
     * default) to have the channel encode and decode it as over any other transport. The copy must share nothing the
     * sender may change after its send; it may be {@code message} itself, turned into that form, by a codec whose
     * messages are made and sent by code that never touches them after the send (a protocol's own frames, say). A
     * message passed as a copy is counted in the channel's traffic at its {@link #sizeHint}, and the channel's {@code
     * maxFrame} does not apply to it (no frame is made): a codec that copies
     * applies what limits its receiver has itself. Runs on the sending thread, like {@link #encode}; exceptions fail
     * the send as {@code encode}'s do.
     */
    default @Nullable T copyFor(Codec<T> receiver, T message) {
        return null;
    }

    /** An estimate of the encoded size, used to size buffers; it need not be exact. */
    default int sizeHint(T message) {
        return 256;
    }

    /** A codec from two functions over byte arrays; simple, at the cost of a copy each way. */
    static <T> Codec<T> of(Function<? super T, byte[]> encoder, Function<byte[], ? extends T> decoder) {
        return new Codec<>() {
            @Override
            public void encode(T message, WriteBuffer out) {
                out.writeBytes(encoder.apply(message));
            }

            @Override
            public T decode(ByteBuffer in) {
                byte[] bytes = new byte[in.remaining()];
                in.get(bytes);
                return decoder.apply(bytes);
            }

            @Override
            public T decodeOwned(byte[] bytes) {
                return decoder.apply(bytes);
            }
        };
    }
}
