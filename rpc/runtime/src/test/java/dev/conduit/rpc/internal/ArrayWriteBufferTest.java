package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.conduit.core.Codec;
import dev.conduit.core.Codecs;
import dev.conduit.core.WriteBuffer;
import dev.conduit.core.internal.ByteBufWriteBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The array-backed write buffer writes exactly what the channel's buffer writes, and hands over its array when full. */
class ArrayWriteBufferTest {

    private static byte[] viaNetty(Consumer<WriteBuffer> writes) {
        ByteBuf buf = Unpooled.buffer();
        try {
            writes.accept(new ByteBufWriteBuffer(buf));
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            return b;
        } finally {
            buf.release();
        }
    }

    private static byte[] viaArray(int hint, Consumer<WriteBuffer> writes) {
        ArrayWriteBuffer out = new ArrayWriteBuffer(hint);
        writes.accept(out);
        assertThat(out.size()).isEqualTo(out.toArray().length);
        return out.toArray();
    }

    @Test
    void everyKindOfWriteMatchesTheChannelsBufferAndGrowsFromNothing() {
        Consumer<WriteBuffer> writes = out -> {
            out.writeByte(0x1ff).writeShort(0xABCD).writeInt(0x01020304).writeLong(0x0A0B0C0D0E0F1011L);
            out.writeBytes(new byte[] {7, 8}).writeBytes(new byte[] {1, 2, 3, 4}, 1, 2);
            out.writeBytes(ByteBuffer.wrap(new byte[] {9, 9, 9}, 1, 2)).writeUtf8("héllo");
            out.reserve(3).put((byte) 5).put((byte) 6).put((byte) 7);
            try {
                out.asOutputStream().write(new byte[] {42, 43}, 0, 2);
                out.asOutputStream().write(44);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        };
        byte[] expected = viaNetty(writes);
        assertThat(viaArray(0, writes)).isEqualTo(expected);
        assertThat(viaArray(1000, writes)).isEqualTo(expected);
    }

    @Test
    void anExactHintHandsOverTheArrayItselfAndAnInexactOneACopyOfTheRightSize() {
        ArrayWriteBuffer exact = new ArrayWriteBuffer(3);
        exact.writeBytes(new byte[] {1, 2, 3});
        assertThat(exact.toArray()).isSameAs(exact.toArray()).containsExactly(1, 2, 3);

        ArrayWriteBuffer loose = new ArrayWriteBuffer(64);
        loose.writeBytes(new byte[] {1, 2, 3});
        assertThat(loose.toArray()).containsExactly(1, 2, 3).isNotSameAs(loose.toArray());
    }

    @Test
    void codecsEncodeIntoItAsIntoTheChannelsBuffer() {
        Codec<StringValue> proto = Codecs.protobuf(StringValue.getDefaultInstance());
        StringValue v = StringValue.of("a protobuf message written through reserve()");
        assertThat(viaArray(proto.sizeHint(v), out -> proto.encode(v, out)))
                .isEqualTo(viaNetty(out -> proto.encode(v, out)))
                .isEqualTo(v.toByteArray());
        assertThat(viaArray(Codecs.text().sizeHint("ünï"), out -> Codecs.text().encode("ünï", out)))
                .isEqualTo(viaNetty(out -> Codecs.text().encode("ünï", out)));
    }
}
