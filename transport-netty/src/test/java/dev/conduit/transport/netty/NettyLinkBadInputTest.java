package dev.conduit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.Framing;
import dev.conduit.core.FramingException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad bytes on one stream close that channel with a clear error, and a second channel on the same runtime keeps
 * working: the whole receive path (NettyLink, StreamFramer, the runtime's channel) over Netty's embedded channel,
 * reached through the public API and a test transport ({@link EmbeddedTransport}).
 */
class NettyLinkBadInputTest {
    private Conduit runtime;
    private final List<EmbeddedChannel> wires = new ArrayList<>();
    private int count;

    @BeforeEach
    void start() {
        runtime = Conduit.builder()
                .name("badinput")
                .classLoader(EmbeddedTransport.loader())
                .build();
    }

    @AfterEach
    void stop() {
        wires.forEach(EmbeddedChannel::finishAndReleaseAll);
        runtime.close();
    }

    private record Pair(EmbeddedChannel wire, Channel<String> channel) {}

    private Pair open(Framing framing, int maxFrame) {
        String name = "wire" + ++count;
        Channel<String> channel = runtime.connect(
                "embedded://" + name + "?framing=" + framing.uriName() + "&maxFrame=" + maxFrame, Codecs.text());
        EmbeddedChannel wire = EmbeddedTransport.WIRES.remove(name);
        assertThat(wire).as("the wire of %s", name).isNotNull();
        wires.add(wire);
        return new Pair(wire, channel);
    }

    private static ByteBuf bytes(int... values) {
        ByteBuf buf = Unpooled.buffer(values.length);
        for (int v : values) {
            buf.writeByte(v);
        }
        return buf;
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static void assertClosedWith(Channel<String> ch, Class<?> type, String... words) throws Exception {
        CloseReason reason = ch.closeFuture().get(10, TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.error()).isInstanceOf(type);
        for (String w : words) {
            assertThat(reason.error()).hasMessageContaining(w);
        }
    }

    private void assertStillWorks(Pair good) throws Exception {
        good.wire.writeInbound(bytes(0, 0, 0, 2, 'o', 'k'));
        assertThat(good.channel.receive(Duration.ofSeconds(10))).isEqualTo("ok");
        good.channel.send("reply").get(10, TimeUnit.SECONDS);
        ByteBuf out = good.wire.readOutbound();
        try {
            assertThat(out.readInt()).isEqualTo(5);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("reply");
        } finally {
            out.release();
        }
    }

    @Test
    void lengthOverTheLimitClosesOnlyThatChannel() throws Exception {
        Pair bad = open(Framing.LENGTH, 1024);
        Pair good = open(Framing.LENGTH, 1024);
        bad.wire.writeInbound(bytes(0, 0x10, 0, 0));
        assertClosedWith(bad.channel, FrameTooLargeException.class, "1048576", "1024");
        assertStillWorks(good);
    }

    @Test
    void negativeLengthClosesOnlyThatChannel() throws Exception {
        Pair bad = open(Framing.LENGTH, 1024);
        Pair good = open(Framing.LENGTH, 1024);
        bad.wire.writeInbound(bytes(0x80, 0, 0, 0));
        assertClosedWith(bad.channel, FramingException.class, "negative", "-2147483648");
        assertStillWorks(good);
    }

    @Test
    void garbageBytesCloseOnlyThatChannel() throws Exception {
        Pair bad = open(Framing.LENGTH, 16 << 20);
        Pair good = open(Framing.LENGTH, 16 << 20);
        bad.wire.writeInbound(text("garbage that is not a frame"));
        assertClosedWith(bad.channel, FramingException.class, "16777216");
        assertStillWorks(good);
    }

    @Test
    void truncatedFrameThenDisconnectIsAnErrorNotAnOrderlyClose() throws Exception {
        Pair bad = open(Framing.LENGTH, 1024);
        Pair good = open(Framing.LENGTH, 1024);
        bad.wire.writeInbound(bytes(0, 0, 0, 100, 1, 2, 3));
        bad.wire.close();
        assertClosedWith(bad.channel, FramingException.class, "truncated", "frame of 100 bytes");
        assertStillWorks(good);
    }

    @Test
    void lineTooLongClosesOnlyThatChannel() throws Exception {
        Pair bad = open(Framing.LINE, 16);
        Pair good = open(Framing.LENGTH, 1024);
        bad.wire.writeInbound(text("a line that is far longer than sixteen bytes"));
        assertClosedWith(bad.channel, FrameTooLargeException.class, "line", "16");
        assertStillWorks(good);
    }

    @Test
    void aMessageWithANewlineCannotBeSentWithLineFramingButTheChannelStaysOpen() throws Exception {
        Pair p = open(Framing.LINE, 1024);
        assertThatThrownBy(() -> p.channel.send("two\nlines").get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(FramingException.class)
                .hasMessageContaining("newline (at byte 3 of 9)");
        assertThatThrownBy(() -> p.channel.offer("a\nb")).isInstanceOf(FramingException.class);
        p.channel.send("one line").get(5, TimeUnit.SECONDS);
        ByteBuf out = p.wire.readOutbound();
        try {
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one line\n");
        } finally {
            out.release();
        }
        assertThat(p.channel.isOpen()).isTrue();
    }

    @Test
    void wellFormedFramesSplitAcrossReadsArriveInOrder() throws Exception {
        Pair p = open(Framing.LENGTH, 1024);
        p.wire.writeInbound(bytes(0, 0, 0, 1, 'a', 0, 0));
        p.wire.writeInbound(bytes(0, 2, 'b', 'c', 0, 0, 0, 0));
        assertThat(p.channel.receive(Duration.ofSeconds(5))).isEqualTo("a");
        assertThat(p.channel.receive(Duration.ofSeconds(5))).isEqualTo("bc");
        assertThat(p.channel.receive(Duration.ofSeconds(5))).isEqualTo("");
        p.wire.close();
        assertThat(p.channel.closeFuture().get(5, TimeUnit.SECONDS)).isEqualTo(CloseReason.PEER);
    }
}
