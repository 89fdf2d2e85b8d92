package dev.conduit.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.CloseReason;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.Framing;
import dev.conduit.core.FramingException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamFramerTest {
    private final List<String> frames = new ArrayList<>();
    private final LinkListener sink = new LinkListener() {
        @Override
        public void onFrame(ByteBuffer frame) {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            frames.add(new String(b, StandardCharsets.UTF_8));
        }

        @Override
        public void onClosed(CloseReason reason) {}
    };
    private final List<ByteBuf> buffers = new ArrayList<>();

    @AfterEach
    void release() {
        buffers.forEach(ByteBuf::release);
    }

    private ByteBuf bytes(int... values) {
        ByteBuf buf = Unpooled.buffer();
        for (int v : values) {
            buf.writeByte(v);
        }
        buffers.add(buf);
        return buf;
    }

    private ByteBuf text(String s) {
        ByteBuf buf = Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
        buffers.add(buf);
        return buf;
    }

    @Test
    void lengthPrefixedFramesArriveWholeAcrossArbitrarySplits() {
        StreamFramer framer = StreamFramer.of(Framing.LENGTH, 100);
        ByteBuf in = bytes(0, 0, 0, 2, 'h');
        framer.decode(in, sink);
        assertThat(frames).isEmpty();
        in.writeBytes(new byte[] {'i', 0, 0, 0, 0, 0, 0});
        framer.decode(in, sink);
        assertThat(frames).containsExactly("hi", "");
        assertThat(in.readableBytes()).as("partial length kept").isEqualTo(2);
    }

    @Test
    void lengthEncodeWritesTheHeaderIntoTheHeadroom() {
        StreamFramer framer = StreamFramer.of(Framing.LENGTH, 100);
        ByteBuf payload = Unpooled.buffer();
        buffers.add(payload);
        payload.setIndex(framer.headroom(), framer.headroom()).writeBytes("abc".getBytes(StandardCharsets.UTF_8));
        framer.encode(payload);
        assertThat(payload.readerIndex()).isZero();
        assertThat(payload.getInt(0)).isEqualTo(3);
        framer.decode(payload, sink);
        assertThat(frames).containsExactly("abc");
    }

    @Test
    void lengthOverTheLimitIsRejectedBeforeAnyPayloadArrives() {
        StreamFramer framer = StreamFramer.of(Framing.LENGTH, 1000);
        assertThatThrownBy(() -> framer.decode(bytes(0, 0, 0x10, 0), sink))
                .isInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining("4096")
                .hasMessageContaining("1000");
    }

    @Test
    void negativeLengthIsRejected() {
        StreamFramer framer = StreamFramer.of(Framing.LENGTH, 1000);
        assertThatThrownBy(() -> framer.decode(bytes(0xff, 0xff, 0xff, 0xfb), sink))
                .isInstanceOf(FramingException.class)
                .hasMessageContaining("-5")
                .hasMessageContaining("negative");
    }

    @Test
    void garbageBytesAreRejectedWithTheClaimedLength() {
        StreamFramer framer = StreamFramer.of(Framing.LENGTH, 16 << 20);
        assertThatThrownBy(() -> framer.decode(text("GET / HTTP/1.1\r\n"), sink))
                .isInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining(Integer.toString(0x47455420))
                .hasMessageContaining("16777216");
    }

    @Test
    void truncatedFrameIsReportedAtEndOfStream() {
        StreamFramer framer = StreamFramer.of(Framing.LENGTH, 1000);
        ByteBuf in = bytes(0, 0, 0, 10, 1, 2, 3);
        framer.decode(in, sink);
        assertThatThrownBy(() -> framer.finish(in))
                .isInstanceOf(FramingException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("7 bytes")
                .hasMessageContaining("frame of 10 bytes");
        framer.finish(bytes());
    }

    @Test
    void linesAreCutAtNewlinesDroppingCarriageReturns() {
        StreamFramer framer = StreamFramer.of(Framing.LINE, 100);
        ByteBuf in = text("one\r\ntwo\n\nthr");
        framer.decode(in, sink);
        assertThat(frames).containsExactly("one", "two", "");
        in.writeBytes("ee\n".getBytes(StandardCharsets.UTF_8));
        framer.decode(in, sink);
        assertThat(frames).containsExactly("one", "two", "", "three");
    }

    @Test
    void lineTooLongIsRejectedWithoutWaitingForItsEnd() {
        StreamFramer framer = StreamFramer.of(Framing.LINE, 8);
        ByteBuf in = text("12345678");
        framer.decode(in, sink);
        in.writeByte('9');
        assertThatThrownBy(() -> framer.decode(in, sink))
                .isInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining("line of 9 bytes exceeds the limit of 8 bytes");
    }

    @Test
    void lineEncodeRefusesEmbeddedNewlines() {
        StreamFramer framer = StreamFramer.of(Framing.LINE, 100);
        ByteBuf payload = text("a\nb");
        assertThatThrownBy(() -> framer.encode(payload))
                .isInstanceOf(FramingException.class)
                .hasMessageContaining("newline (at byte 1 of 3)");
        ByteBuf ok = text("ab");
        framer.encode(ok);
        assertThat(ok.toString(StandardCharsets.UTF_8)).isEqualTo("ab\n");
    }
}
