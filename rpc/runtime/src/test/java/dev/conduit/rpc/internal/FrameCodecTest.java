package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Codecs;
import dev.conduit.core.internal.ByteBufWriteBuffer;
import dev.conduit.rpc.Metadata;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The wire encoding of each frame type, byte for byte as in docs/rpc-protocol.md, and bad input. */
class FrameCodecTest {
    private final FrameCodec codec = new FrameCodec(1024);

    private byte[] encode(Frame f) {
        return encode(codec, f);
    }

    /** {@code f} as {@code codec} puts it on the wire. */
    static byte[] encode(FrameCodec codec, Frame f) {
        ByteBuf buf = Unpooled.buffer();
        try {
            codec.encode(f, new ByteBufWriteBuffer(buf));
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private Frame decode(byte[] bytes) {
        return codec.decode(ByteBuffer.wrap(bytes));
    }

    private static String hex(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }

    @Test
    void helloIsMagicVersionAndSettings() {
        byte[] bytes = encode(Frame.hello(4 << 20, 1 << 20));
        assertThat(hex(bytes)).isEqualTo("43 52 50 43 00 01 00 02 00 01 00 40 00 00 00 02 00 10 00 00");
        Frame f = decode(bytes);
        assertThat(f.type).isEqualTo(Frames.HELLO);
        assertThat(f.value).isEqualTo(1);
        assertThat(f.maxMessageSize()).isEqualTo(4 << 20);
        assertThat(f.initialWindow()).isEqualTo(1 << 20);
    }

    @Test
    void helloWithUnknownSettingsKeepsTheKnownOnes() {
        byte[] bytes =
                HexFormat.ofDelimiter(" ").parseHex("43 52 50 43 00 01 00 02 00 09 00 00 00 07 00 02 00 00 10 00");
        Frame f = decode(bytes);
        assertThat(f.initialWindow()).isEqualTo(4096);
        assertThat(f.maxMessageSize()).as("absent").isEqualTo(-1);
    }

    @Test
    void unaryCallStartCarriesMethodDeadlineMetadataAndMessage() {
        Frame f = new Frame(Frames.CALL_START, Frames.FLAG_DEADLINE | Frames.FLAG_MESSAGE | Frames.FLAG_HALF_CLOSE, 7);
        f.text = "a.B/C";
        f.longValue = 1_000_000;
        f.metadata = Metadata.of("k", "v");
        f.withMessage("hi", Codecs.text(), 100);
        byte[] bytes = encode(f);
        assertThat(hex(bytes))
                .isEqualTo(
                        "01 07 00 00 00 07" // type, flags, call id
                                + " 00 05 61 2e 42 2f 43" // method
                                + " 00 00 00 00 00 0f 42 40" // timeout ns
                                + " 00 01 01 6b 00 01 76" // one entry: k = v
                                + " 68 69"); // payload
        Frame d = decode(bytes);
        assertThat(d.method()).isEqualTo("a.B/C");
        assertThat(d.timeoutNanos()).isEqualTo(1_000_000);
        assertThat(d.metadata.get("k")).isEqualTo("v");
        assertThat(new String(d.payload, StandardCharsets.UTF_8)).isEqualTo("hi");
        assertThat(d.has(Frames.FLAG_HALF_CLOSE)).isTrue();
    }

    @Test
    void aRepeatedMethodNameIsReusedAndADifferentOneOfTheSameLengthIsNot() {
        Frame first = decode(encode(callStart("a.B/C", 1)));
        Frame again = decode(encode(callStart("a.B/C", 2)));
        Frame other = decode(encode(callStart("a.B/D", 3)));
        Frame longer = decode(encode(callStart("a.B/CC", 4)));
        Frame back = decode(encode(callStart("a.B/C", 5)));
        assertThat(again.method()).isEqualTo("a.B/C").isSameAs(first.method());
        assertThat(other.method()).isEqualTo("a.B/D");
        assertThat(longer.method()).isEqualTo("a.B/CC");
        assertThat(back.method()).isEqualTo("a.B/C");
        assertThat(new String(back.payload, StandardCharsets.UTF_8)).isEqualTo("hi");
    }

    @Test
    void anEmptyStatusMessageDecodesAsEmpty() {
        Frame d = decode(encode(Frame.status(Frames.CALL_END, 3, 0, "")));
        assertThat(d.text).isEmpty();
        assertThat(d.code).isZero();
    }

    private static Frame callStart(String method, int id) {
        Frame f = new Frame(Frames.CALL_START, Frames.FLAG_MESSAGE | Frames.FLAG_HALF_CLOSE, id);
        f.text = method;
        f.metadata = new Metadata();
        f.withMessage("hi", Codecs.text(), 100);
        return f;
    }

    @Test
    void callEndCarriesStatusTrailersAndLastMessage() {
        Frame f = Frame.status(Frames.CALL_END, 3, 5, "gone");
        f.flags = Frames.FLAG_MESSAGE;
        f.metadata = new Metadata().putBinary("b-bin", new byte[] {1, 2});
        f.withMessage("x", Codecs.text(), 100);
        byte[] bytes = encode(f);
        assertThat(hex(bytes))
                .isEqualTo("04 02 00 00 00 03 05 00 04 67 6f 6e 65 00 01 05 62 2d 62 69 6e 00 02 01 02 78");
        Frame d = decode(bytes);
        assertThat(d.code).isEqualTo(5);
        assertThat(d.text).isEqualTo("gone");
        assertThat(d.metadata.getBinary("b-bin")).containsExactly(1, 2);
        assertThat(d.payload).containsExactly('x');
    }

    @Test
    void controlFramesRoundTrip() {
        assertThat(hex(encode(Frame.windowUpdate(9, 65536)))).isEqualTo("06 00 00 00 00 09 00 01 00 00");
        assertThat(hex(encode(Frame.ping(Frames.PING, 1)))).isEqualTo("07 00 00 00 00 00 00 00 00 00 00 00 00 01");
        assertThat(hex(encode(Frame.status(Frames.CANCEL, 2, 1, "")))).isEqualTo("05 00 00 00 00 02 01 00 00");
        assertThat(hex(encode(Frame.goaway(4, 14, "bye"))))
                .isEqualTo("09 00 00 00 00 00 00 00 00 04 0e 00 03 62 79 65");
        assertThat(hex(encode(new Frame(Frames.HALF_CLOSE, 0, 2)))).isEqualTo("03 00 00 00 00 02");
        Frame g = decode(encode(Frame.goaway(4, 14, "bye")));
        assertThat(g.value).isEqualTo(4);
        assertThat(g.code).isEqualTo(14);
    }

    @Test
    void oversizedPayloadIsNotCopied() {
        byte[] frame = new byte[6 + 2000];
        frame[0] = Frames.MESSAGE;
        Frame d = decode(frame);
        assertThat(d.payload).isNull();
        assertThat(d.payloadLength).isEqualTo(2000);
    }

    @Test
    void badInputBecomesMalformedFramesNeverExceptions() {
        assertThat(decode(new byte[] {1, 2, 3}).type).isEqualTo(Frames.MALFORMED);
        assertThat(decode(new byte[] {Frames.CALL_START, 0, 0, 0, 0, 1, 0, 9, 'a'}).type)
                .as("method name longer than the frame")
                .isEqualTo(Frames.MALFORMED);
        assertThat(decode(new byte[] {Frames.CALL_START, 0, 0, 0, 0, 1, 0, 1, 'a', 0, 1, 1, 'K', 0, 0}).text)
                .as("upper-case metadata key")
                .contains("metadata key");
        assertThat(decode(new byte[] {0x43, 0x52, 0x50, 0x43, 0}).type)
                .as("truncated HELLO")
                .isEqualTo(Frames.MALFORMED);
        assertThat(decode(new byte[] {0x55, 0, 0, 0, 0, 1}).type)
                .as("unknown type, passed on")
                .isEqualTo(0x55);
    }
}
