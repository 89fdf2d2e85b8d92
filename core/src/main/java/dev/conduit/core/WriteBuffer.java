package dev.conduit.core;

import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The growable buffer a {@link Codec} encodes into, provided by the runtime. It grows as needed; the channel's
 * {@code maxFrame} is checked after encoding. Valid only during {@link Codec#encode}: do not keep a reference.
 *
 * <p>Not thread-safe: each encode gets its own buffer. Users do not implement this interface.
 */
public interface WriteBuffer {

    /** Bytes written so far. */
    int size();

    /** Appends one byte (the low 8 bits of {@code value}). */
    WriteBuffer writeByte(int value);

    /** Appends a 16-bit big-endian value. */
    WriteBuffer writeShort(int value);

    /** Appends a 32-bit big-endian value. */
    WriteBuffer writeInt(int value);

    /** Appends a 64-bit big-endian value. */
    WriteBuffer writeLong(long value);

    /** Appends all of {@code bytes}. */
    WriteBuffer writeBytes(byte[] bytes);

    /** Appends {@code length} bytes of {@code bytes} from {@code offset}. */
    WriteBuffer writeBytes(byte[] bytes, int offset, int length);

    /** Appends the remaining bytes of {@code bytes}, advancing its position. */
    WriteBuffer writeBytes(ByteBuffer bytes);

    /** Appends {@code text} encoded as UTF-8 (no length, no terminator). */
    WriteBuffer writeUtf8(CharSequence text);

    /**
     * Reserves the next {@code length} bytes and returns a view of them, which the caller must fill completely. For
     * encoders that write into a {@link ByteBuffer}, such as protobuf's {@code CodedOutputStream}.
     */
    ByteBuffer reserve(int length);

    /** An {@link OutputStream} view, for encoders that write to streams. */
    OutputStream asOutputStream();
}
