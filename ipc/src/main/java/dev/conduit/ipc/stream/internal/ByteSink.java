package dev.conduit.ipc.stream.internal;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/** Where a stream link writes to: whole batches of frames, blocking until written. Used by the writer thread only. */
public interface ByteSink {

    /** Writes the readable bytes of {@code frames[0..count)}, in order, without consuming them. */
    void write(ByteBuf[] frames, int count) throws IOException;

    /** A sink over a channel, such as a FIFO or this process's stdout: one gathering write per batch where it can. */
    static ByteSink of(GatheringByteChannel channel) {
        return new ByteSink() {
            private ByteBuffer[] buffers = new ByteBuffer[16];

            @Override
            public void write(ByteBuf[] frames, int count) throws IOException {
                int n = 0;
                for (int i = 0; i < count; i++) {
                    ByteBuf f = frames[i];
                    int parts = f.nioBufferCount();
                    if (n + parts > buffers.length) {
                        buffers = java.util.Arrays.copyOf(buffers, Math.max(buffers.length * 2, n + parts));
                    }
                    if (parts == 1) {
                        buffers[n++] = f.nioBuffer();
                    } else {
                        for (ByteBuffer b : f.nioBuffers()) {
                            buffers[n++] = b;
                        }
                    }
                }
                int first = 0;
                while (first < n) {
                    channel.write(buffers, first, n - first);
                    while (first < n && !buffers[first].hasRemaining()) {
                        buffers[first++] = null;
                    }
                }
            }
        };
    }

    /**
     * A sink over a stream, such as a child process's stdin. Small frames are gathered into one array so that a batch
     * costs one system call; frames with an array of their own are written from it.
     */
    static ByteSink of(OutputStream stream) {
        return new ByteSink() {
            private final byte[] staging = new byte[64 << 10];

            @Override
            public void write(ByteBuf[] frames, int count) throws IOException {
                int staged = 0;
                for (int i = 0; i < count; i++) {
                    ByteBuf f = frames[i];
                    int length = f.readableBytes();
                    if (staged + length <= staging.length) {
                        f.getBytes(f.readerIndex(), staging, staged, length);
                        staged += length;
                        continue;
                    }
                    if (staged > 0) {
                        stream.write(staging, 0, staged);
                        staged = 0;
                    }
                    if (f.hasArray()) {
                        stream.write(f.array(), f.arrayOffset() + f.readerIndex(), length);
                    } else {
                        for (int at = 0; at < length; at += staging.length) {
                            int chunk = Math.min(staging.length, length - at);
                            f.getBytes(f.readerIndex() + at, staging, 0, chunk);
                            stream.write(staging, 0, chunk);
                        }
                    }
                }
                if (staged > 0) {
                    stream.write(staging, 0, staged);
                }
                stream.flush();
            }
        };
    }
}
