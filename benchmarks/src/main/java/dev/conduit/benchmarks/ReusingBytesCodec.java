package dev.conduit.benchmarks;

import dev.conduit.core.Codec;
import dev.conduit.core.WriteBuffer;
import java.nio.ByteBuffer;

/**
 * A bytes codec that decodes into the array it returned last time when the size is the same, so that a benchmark of
 * fixed-size messages measures what the transport allocates, not the codec. Benchmarks only: the returned array is
 * overwritten by the next decode, and one instance must serve one channel (it is not thread-safe).
 */
final class ReusingBytesCodec implements Codec<byte[]> {
    private byte[] last = new byte[0];

    @Override
    public void encode(byte[] message, WriteBuffer out) {
        out.writeBytes(message);
    }

    @Override
    public byte[] decode(ByteBuffer in) {
        byte[] into = last.length == in.remaining() ? last : new byte[in.remaining()];
        in.get(into);
        last = into;
        return into;
    }

    @Override
    public int sizeHint(byte[] message) {
        return message.length;
    }
}
