package dev.conduit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.conduit.core.internal.ByteBufWriteBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CodecsTest {

    private static <T> T roundTrip(Codec<T> codec, T message) {
        ByteBuf buf = Unpooled.buffer();
        try {
            codec.encode(message, new ByteBufWriteBuffer(buf));
            return codec.decode(buf.nioBuffer());
        } finally {
            buf.release();
        }
    }

    @Test
    void bytesRoundTripIncludingEmpty() {
        assertThat(roundTrip(Codecs.bytes(), new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
        assertThat(roundTrip(Codecs.bytes(), new byte[0])).isEmpty();
    }

    @Test
    void textIsUtf8() {
        assertThat(roundTrip(Codecs.text(), "héllo ✓ 𝄞")).isEqualTo("héllo ✓ 𝄞");
        assertThat(Codecs.text().sizeHint("é")).isEqualTo(2);
        assertThat(Codecs.text().decode(ByteBuffer.wrap(new byte[] {(byte) 0xff})))
                .isEqualTo("\uFFFD");
        ByteBuffer direct = ByteBuffer.allocateDirect(3)
                .put("abc".getBytes(StandardCharsets.UTF_8))
                .flip();
        assertThat(Codecs.text().decode(direct)).isEqualTo("abc");
    }

    @Test
    void protobufRoundTripsAndRejectsGarbage() {
        Codec<StringValue> codec = Codecs.protobuf(StringValue.getDefaultInstance());
        assertThat(roundTrip(codec, StringValue.of("hi")).getValue()).isEqualTo("hi");
        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff})))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("StringValue");
    }

    @Test
    void decodingAnOwnedArrayGivesWhatDecodingItsBytesGives() {
        byte[] raw = {1, 2, 3};
        assertThat(Codecs.bytes().decodeOwned(raw))
                .as("handed over: the array itself")
                .isSameAs(raw);
        byte[] utf8 = "héllo".getBytes(StandardCharsets.UTF_8);
        assertThat(Codecs.text().decodeOwned(utf8)).isEqualTo("héllo");
        Codec<StringValue> proto = Codecs.protobuf(StringValue.getDefaultInstance());
        assertThat(proto.decodeOwned(StringValue.of("hi").toByteArray()).getValue())
                .isEqualTo("hi");
        assertThatThrownBy(() -> proto.decodeOwned(new byte[] {(byte) 0xff, (byte) 0xff}))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("StringValue");
        byte[][] given = new byte[1][];
        Codec<Integer> ints = Codec.of(i -> new byte[] {i.byteValue()}, b -> {
            given[0] = b;
            return (int) b[0];
        });
        byte[] seven = {7};
        assertThat(ints.decodeOwned(seven)).isEqualTo(7);
        assertThat(given[0])
                .as("a function codec gets the array without a copy")
                .isSameAs(seven);
    }

    @Test
    void userCodecFromFunctions() {
        Codec<Integer> ints = Codec.of(i -> new byte[] {i.byteValue()}, b -> (int) b[0]);
        assertThat(roundTrip(ints, 42)).isEqualTo(42);
    }

    @Test
    void writeBufferGrowsAndOffersStreamAndReservedViews() throws Exception {
        ByteBuf buf = Unpooled.buffer(1);
        try {
            WriteBuffer out = new ByteBufWriteBuffer(buf);
            out.writeByte(1).writeShort(2).writeInt(3).writeLong(4).writeUtf8("x");
            out.asOutputStream().write(new byte[] {9, 9});
            out.reserve(2).put((byte) 7).put((byte) 8);
            assertThat(out.size()).isEqualTo(1 + 2 + 4 + 8 + 1 + 2 + 2);
            assertThat(buf.getByte(buf.writerIndex() - 1)).isEqualTo((byte) 8);
        } finally {
            buf.release();
        }
    }
}
