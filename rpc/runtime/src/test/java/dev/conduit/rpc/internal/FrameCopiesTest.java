package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.Codecs;
import dev.conduit.rpc.Metadata;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A frame passed to a receiver in this process is, field by field, the frame that receiver decodes from the frame's
 * encoding: for every frame type, with the receiver's own message size limit, and with a copy of the message bytes
 * the sender cannot reach; and it is the sent frame itself, which keeps what its sender reads after the send.
 */
class FrameCopiesTest {
    private final FrameCodec sender = new FrameCodec(1 << 20);

    private static byte[] encode(FrameCodec codec, Frame f) {
        return FrameCodecTest.encode(codec, f);
    }

    /** What {@code receiver} decodes from {@code f}'s encoding, and the copy made for it, must agree. */
    private Frame assertCopyIsWhatIsDecoded(Frame f, FrameCodec receiver) {
        Frame decoded = receiver.decode(ByteBuffer.wrap(encode(sender, f)));
        Frame copy = sender.copyFor(receiver, f);
        assertThat(describe(copy)).isEqualTo(describe(decoded));
        return copy;
    }

    private Frame assertCopyIsWhatIsDecoded(Frame f) {
        return assertCopyIsWhatIsDecoded(f, new FrameCodec(1 << 20));
    }

    /** Every field a decoded frame can have, as text. */
    private static List<String> describe(Frame f) {
        List<String> d = new ArrayList<>();
        d.add("type=" + f.type + " flags=" + f.flags + " id=" + f.callId);
        d.add("text=" + f.text + " long=" + f.longValue + " code=" + f.code + " value=" + f.value);
        d.add("message=" + f.message + " codec=" + f.codec + " encoding=" + f.encoding + " responseHeaders="
                + f.responseHeaders + " abortEnd=" + f.abortEnd + " carried=" + f.carried);
        d.add("payload="
                + (f.payload == null ? "null" : java.util.HexFormat.of().formatHex(f.payload)) + " length="
                + f.payloadLength + " cost=" + f.cost + " compressed=" + f.compressed);
        if (f.metadata == null) {
            d.add("metadata=null");
        } else {
            for (int i = 0; i < f.metadata.size(); i++) {
                d.add(f.metadata.keyAt(i) + "=" + java.util.HexFormat.of().formatHex(f.metadata.valueBytesAt(i)));
            }
        }
        return d;
    }

    @Test
    void everyFrameTypeCopiesAsItDecodes() {
        assertCopyIsWhatIsDecoded(Frame.hello(4 << 20, 1 << 16));

        Frame start = Frame.callStart(
                7, "a.B/C", new Metadata().put("k", "v").putBinary("b-bin", new byte[] {1, 2}), 1_000_000, true);
        start.flags |= Frames.FLAG_MESSAGE | Frames.FLAG_HALF_CLOSE;
        start.withMessage("hi", Codecs.text(), 1 << 20);
        assertCopyIsWhatIsDecoded(start);

        Frame bare = new Frame(Frames.CALL_START, 0, 9);
        bare.text = "a.B/D"; // no deadline, no metadata object, no message
        assertCopyIsWhatIsDecoded(bare);

        Frame message = new Frame(Frames.MESSAGE, 0, 7);
        message.withMessage(new byte[] {5, 6, 7}, Codecs.bytes(), 1 << 20);
        assertCopyIsWhatIsDecoded(message);

        Frame proto = new Frame(Frames.MESSAGE, 0, 7);
        proto.withMessage(
                com.google.protobuf.StringValue.of("protobuf"),
                Codecs.protobuf(com.google.protobuf.StringValue.getDefaultInstance()),
                1 << 20);
        assertCopyIsWhatIsDecoded(proto);

        Frame empty = new Frame(Frames.MESSAGE, 0, 7);
        empty.withMessage(new byte[0], Codecs.bytes(), 1 << 20);
        assertCopyIsWhatIsDecoded(empty);

        Frame end = Frame.callEnd(7, 5, "gone", new Metadata().put("t", "1"));
        end.flags |= Frames.FLAG_MESSAGE;
        end.withMessage("last", Codecs.text(), 1 << 20);
        assertCopyIsWhatIsDecoded(end);

        assertCopyIsWhatIsDecoded(Frame.status(Frames.CALL_END, 3, 0, null));
        assertCopyIsWhatIsDecoded(Frame.status(Frames.CANCEL, 2, 1, "stop"));
        assertCopyIsWhatIsDecoded(Frame.windowUpdate(9, 65536));
        assertCopyIsWhatIsDecoded(Frame.ping(Frames.PING, 42));
        assertCopyIsWhatIsDecoded(Frame.ping(Frames.PONG, -1));
        assertCopyIsWhatIsDecoded(Frame.goaway(4, 14, "bye"));
        assertCopyIsWhatIsDecoded(Frame.halfClose(2));
    }

    @Test
    void aStatusTextIsCutAsTheWireCutsIt() {
        String tooLong = "é".repeat(40_000); // 80,000 bytes of UTF-8: the wire keeps 65,535
        Frame copy = assertCopyIsWhatIsDecoded(Frame.status(Frames.CALL_END, 3, 13, tooLong));
        assertThat(copy.text).hasSizeLessThan(tooLong.length());
        String fits = "é".repeat(30_000);
        assertThat(assertCopyIsWhatIsDecoded(Frame.status(Frames.CANCEL, 3, 1, fits)).text)
                .isEqualTo(fits);
    }

    @Test
    void theReceiversLimitDecidesWhetherTheBytesAreKept() {
        Frame big = new Frame(Frames.MESSAGE, 0, 7);
        big.withMessage(new byte[2000], Codecs.bytes(), 1 << 20);
        Frame copy = assertCopyIsWhatIsDecoded(big, new FrameCodec(1024));
        assertThat(copy.payload).isNull();
        assertThat(copy.payloadLength).isEqualTo(2000);
    }

    @Test
    void theCopyOwnsItsBytesAndItsMetadata() {
        byte[] body = {1, 2, 3};
        Metadata headers = new Metadata().put("k", "v");
        Frame start = Frame.callStart(1, "a.B/C", headers, 0, false);
        start.flags |= Frames.FLAG_MESSAGE;
        start.withMessage(body, Codecs.bytes(), 1 << 20);
        Frame copy = sender.copyFor(new FrameCodec(1 << 20), start);
        body[0] = 9;
        headers.put("later", "x");
        assertThat(copy.payload).containsExactly(1, 2, 3);
        assertThat(copy.metadata.size()).isEqualTo(1);
        assertThat(copy.payload).isNotSameAs(body);
    }

    @Test
    void theSentFrameIsPassedItselfAndKeepsWhatItsSenderReadsAfterTheSend() {
        Frame end = Frame.callEnd(7, 5, "gone", new Metadata());
        end.flags |= Frames.FLAG_MESSAGE;
        end.abortEnd = true; // outbound only: a received CALL_END is never an aborted call's
        end.encoding = "gzip";
        end.responseHeaders = new Metadata().put("h", "1");
        end.withMessage(new byte[] {1, 2, 3, 4}, Codecs.bytes(), 1 << 20);
        Frame copy = sender.copyFor(new FrameCodec(1 << 20), end);
        assertThat(copy).isSameAs(end);
        assertThat(copy.isAbortEnd()).isFalse();
        assertThat(copy.encoding).isNull();
        assertThat(copy.responseHeaders).isNull();
        assertThat(copy.cost).as("the credit its sender takes").isEqualTo(Frames.cost(4));
        assertThat(copy.wireSize).as("what its sender's tracer counts").isEqualTo(4);
        assertThat(copy.type).isEqualTo(Frames.CALL_END);
        assertThat(copy.code).isEqualTo(5);
    }

    @Test
    void aMessageOverThePeersLimitFailsAsItsEncodingWould() {
        Frame big = new Frame(Frames.MESSAGE, 0, 7);
        big.withMessage(new byte[2000], Codecs.bytes(), 1000);
        assertThatThrownBy(() -> sender.copyFor(new FrameCodec(1 << 20), big))
                .isInstanceOf(MessageTooLargeException.class);
        assertThat(big.message).as("a failed copy leaves the frame as it was").isNotNull();
        assertThatThrownBy(() -> encode(sender, big)).isInstanceOf(MessageTooLargeException.class);
    }
}
