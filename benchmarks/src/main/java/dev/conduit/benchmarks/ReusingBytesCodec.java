package dev.conduit.benchmarks;

import dev.conduit.core.Codec;
import dev.conduit.core.WriteBuffer;
import java.nio.ByteBuffer;

/**
 * Benchmark-only: raw bytes whose decode reuses one array per thread and size instead of allocating one per message,
 * so that a measurement sees the transport's cost and allocations, not the codec's. Safe only where a decoded message
 * is consumed before the same thread decodes the next of the same size (ping-pong, counting sinks).
 */
final class ReusingBytesCodec implements Codec<byte[]> {
    static final ReusingBytesCodec INSTANCE = new ReusingBytesCodec();

    private static final ThreadLocal<byte[][]> BY_SIZE_CLASS = ThreadLocal.withInitial(() -> new byte[32][]);

    ReusingBytesCodec() {}

    @Override
    public void encode(byte[] message, WriteBuffer out) {
        out.writeBytes(message);
    }

    @Override
    public byte[] decode(ByteBuffer in) {
        int size = in.remaining();
        byte[][] cache = BY_SIZE_CLASS.get();
        int slot = 32 - Integer.numberOfLeadingZeros(size);
        byte[] b = cache[slot];
        if (b == null || b.length != size) {
            b = new byte[size];
            cache[slot] = b;
        }
        in.get(b);
        return b;
    }

    @Override
    public int sizeHint(byte[] message) {
        return message.length;
    }

    @Override
    public String toString() {
        return "reusing-bytes";
    }
}
