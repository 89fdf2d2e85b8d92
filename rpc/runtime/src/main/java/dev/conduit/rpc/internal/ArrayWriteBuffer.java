package dev.conduit.rpc.internal;

import dev.conduit.core.WriteBuffer;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link WriteBuffer} over a plain array, for encoding a message into bytes of its own ({@link FrameCopies}). Sized
 * by the codec's hint: when the hint is exact (the bytes and protobuf codecs' are), {@link #toArray} returns the
 * array written into, with no second copy. Not thread-safe: one encode.
 */
final class ArrayWriteBuffer implements WriteBuffer {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] array;
    private int size;

    ArrayWriteBuffer(int expected) {
        this.array = new byte[Math.max(0, expected)];
    }

    /** The bytes written: the array itself if they fill it exactly, else a copy of exactly those bytes. */
    byte[] toArray() {
        return size == array.length ? array : Arrays.copyOf(array, size);
    }

    private void ensure(int more) {
        int needed = size + more;
        if (needed < 0) {
            throw new IllegalStateException("a message of more than 2 GiB cannot be encoded");
        }
        if (needed > array.length) {
            array = Arrays.copyOf(array, (int)
                    Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * array.length + 16)));
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public WriteBuffer writeByte(int value) {
        ensure(1);
        array[size++] = (byte) value;
        return this;
    }

    @Override
    public WriteBuffer writeShort(int value) {
        ensure(2);
        SHORT.set(array, size, (short) value);
        size += 2;
        return this;
    }

    @Override
    public WriteBuffer writeInt(int value) {
        ensure(4);
        INT.set(array, size, value);
        size += 4;
        return this;
    }

    @Override
    public WriteBuffer writeLong(long value) {
        ensure(8);
        LONG.set(array, size, value);
        size += 8;
        return this;
    }

    @Override
    public WriteBuffer writeBytes(byte[] bytes) {
        return writeBytes(bytes, 0, bytes.length);
    }

    @Override
    public WriteBuffer writeBytes(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensure(length);
        System.arraycopy(bytes, offset, array, size, length);
        size += length;
        return this;
    }

    @Override
    public WriteBuffer writeBytes(ByteBuffer bytes) {
        int n = bytes.remaining();
        ensure(n);
        bytes.get(array, size, n);
        size += n;
        return this;
    }

    @Override
    public WriteBuffer writeUtf8(CharSequence text) {
        return writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public ByteBuffer reserve(int length) {
        ensure(length);
        ByteBuffer view = ByteBuffer.wrap(array, size, length).slice();
        size += length;
        return view;
    }

    @Override
    public OutputStream asOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                writeByte(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writeBytes(b, off, len);
            }
        };
    }
}
