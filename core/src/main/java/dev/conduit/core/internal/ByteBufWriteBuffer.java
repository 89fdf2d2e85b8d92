package dev.conduit.core.internal;

import dev.conduit.core.WriteBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/** The {@link WriteBuffer} over a Netty buffer; the payload starts at the buffer's reader index. */
public final class ByteBufWriteBuffer implements WriteBuffer {
    /** One reusable wrapper per thread, so that encoding allocates nothing per message. */
    private static final FastThreadLocal<ByteBufWriteBuffer> REUSABLE = new FastThreadLocal<>();

    private @Nullable ByteBuf buf;
    /** Whether this is its thread's reusable wrapper (so that giving it back needs no thread-local lookup). */
    private boolean reusable;

    public ByteBufWriteBuffer(ByteBuf buf) {
        this.buf = buf;
    }

    /** A wrapper over {@code target} for the current thread; return it with {@link #giveBack}. */
    static ByteBufWriteBuffer borrow(ByteBuf target) {
        ByteBufWriteBuffer out = REUSABLE.get();
        if (out == null || out.buf != null) {
            // first use on this thread, or a codec encoding within an encode: use a fresh one
            return new ByteBufWriteBuffer(target);
        }
        out.buf = target;
        out.reusable = true;
        return out;
    }

    private ByteBuf b() {
        ByteBuf b = buf;
        if (b == null) {
            throw new IllegalStateException("a WriteBuffer is only valid during Codec.encode");
        }
        return b;
    }

    /** Detaches the wrapper from its buffer so that it can serve the next encode on this thread. */
    static void giveBack(ByteBufWriteBuffer out) {
        out.buf = null;
        if (!out.reusable && REUSABLE.get() == null) {
            out.reusable = true;
            REUSABLE.set(out);
        }
    }

    @Override
    public int size() {
        return b().readableBytes();
    }

    @Override
    public WriteBuffer writeByte(int value) {
        b().writeByte(value);
        return this;
    }

    @Override
    public WriteBuffer writeShort(int value) {
        b().writeShort(value);
        return this;
    }

    @Override
    public WriteBuffer writeInt(int value) {
        b().writeInt(value);
        return this;
    }

    @Override
    public WriteBuffer writeLong(long value) {
        b().writeLong(value);
        return this;
    }

    @Override
    public WriteBuffer writeBytes(byte[] bytes) {
        b().writeBytes(bytes);
        return this;
    }

    @Override
    public WriteBuffer writeBytes(byte[] bytes, int offset, int length) {
        b().writeBytes(bytes, offset, length);
        return this;
    }

    @Override
    public WriteBuffer writeBytes(ByteBuffer bytes) {
        b().writeBytes(bytes);
        return this;
    }

    @Override
    public WriteBuffer writeUtf8(CharSequence text) {
        ByteBufUtil.writeUtf8(b(), text);
        return this;
    }

    @Override
    public ByteBuffer reserve(int length) {
        b().ensureWritable(length);
        int at = b().writerIndex();
        b().writerIndex(at + length);
        return b().nioBuffer(at, length);
    }

    @Override
    public OutputStream asOutputStream() {
        return new ByteBufOutputStream(b());
    }
}
