package dev.conduit.core.internal;

import dev.conduit.core.WriteBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** The {@link WriteBuffer} over a Netty buffer; the payload starts at the buffer's reader index. */
public final class ByteBufWriteBuffer implements WriteBuffer {
    private final ByteBuf buf;

    public ByteBufWriteBuffer(ByteBuf buf) {
        this.buf = buf;
    }

    @Override
    public int size() {
        return buf.readableBytes();
    }

    @Override
    public WriteBuffer writeByte(int value) {
        buf.writeByte(value);
        return this;
    }

    @Override
    public WriteBuffer writeShort(int value) {
        buf.writeShort(value);
        return this;
    }

    @Override
    public WriteBuffer writeInt(int value) {
        buf.writeInt(value);
        return this;
    }

    @Override
    public WriteBuffer writeLong(long value) {
        buf.writeLong(value);
        return this;
    }

    @Override
    public WriteBuffer writeBytes(byte[] bytes) {
        buf.writeBytes(bytes);
        return this;
    }

    @Override
    public WriteBuffer writeBytes(byte[] bytes, int offset, int length) {
        buf.writeBytes(bytes, offset, length);
        return this;
    }

    @Override
    public WriteBuffer writeBytes(ByteBuffer bytes) {
        buf.writeBytes(bytes);
        return this;
    }

    @Override
    public WriteBuffer writeUtf8(CharSequence text) {
        ByteBufUtil.writeUtf8(buf, text);
        return this;
    }

    @Override
    public ByteBuffer reserve(int length) {
        buf.ensureWritable(length);
        int at = buf.writerIndex();
        buf.writerIndex(at + length);
        return buf.nioBuffer(at, length);
    }

    @Override
    public OutputStream asOutputStream() {
        return new ByteBufOutputStream(buf);
    }
}
