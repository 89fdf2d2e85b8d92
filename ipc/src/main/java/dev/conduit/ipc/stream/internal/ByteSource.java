package dev.conduit.ipc.stream.internal;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ScatteringByteChannel;

/** Where a stream link reads from: a blocking read into a buffer. Used by the link's reader thread only. */
public interface ByteSource {

    /**
     * Reads at least one byte into {@code into}'s writable space, blocking until some arrive.
     *
     * @return the bytes read, or -1 at the end of the stream
     */
    int read(ByteBuf into) throws IOException;

    /** Whether reads go fastest into direct buffers (channels) or heap buffers with an array (streams). */
    boolean direct();

    /** A source over a channel, such as a FIFO or this process's stdin. */
    static ByteSource of(ScatteringByteChannel channel) {
        return new ByteSource() {
            @Override
            public int read(ByteBuf into) throws IOException {
                return into.writeBytes(channel, into.writableBytes());
            }

            @Override
            public boolean direct() {
                return true;
            }
        };
    }

    /** A source over a stream, such as a child process's stdout; reads straight into the buffer's array. */
    static ByteSource of(InputStream stream) {
        return new ByteSource() {
            @Override
            public int read(ByteBuf into) throws IOException {
                int n = stream.read(into.array(), into.arrayOffset() + into.writerIndex(), into.writableBytes());
                if (n > 0) {
                    into.writerIndex(into.writerIndex() + n);
                }
                return n;
            }

            @Override
            public boolean direct() {
                return false;
            }
        };
    }
}
