package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.rpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input from a peer that does not follow the protocol, sent as raw frames over the same transport: it closes
 * only that connection, or is answered per the protocol, and the server keeps serving everyone else.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.conduit.rpc.suite.TransportCase#conduitProtocol")
class RpcBadInputSuiteTest extends SuiteFixture {

    private Channel<byte[]> raw() {
        return closeLater(conduit.connect(server.uri(), Codecs.bytes()));
    }

    /** A raw connection that has done the HELLO exchange. */
    private Channel<byte[]> handshaken() throws InterruptedException {
        Channel<byte[]> ch = raw();
        ch.send(RawFrames.hello(1));
        assertThat(next(ch).text()).isEqualTo("HELLO");
        return ch;
    }

    private static RawFrames.Received next(Channel<byte[]> ch) throws InterruptedException {
        return RawFrames.next(ch, TIMEOUT);
    }

    private void assertClosedByServer(Channel<byte[]> ch) throws Exception {
        CloseReason reason = ch.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        // The server closed it: the peer's close, or the reset of a socket it closed with our bytes unread.
        assertThat(reason.kind()).as("close reason %s", reason).isNotEqualTo(CloseReason.Kind.LOCAL);
        if (reason.kind() == CloseReason.Kind.ERROR) {
            assertThat(reason.error()).as("close reason %s", reason).isInstanceOf(java.io.IOException.class);
        }
        assertThat(unary(TestService.ECHO, "others unaffected")).isEqualTo("others unaffected");
    }

    private static byte[] echoRequest(String s) {
        return StringValue.of(s).toByteArray();
    }

    @Test
    void garbageBytesCloseThatConnectionOnly() throws Exception {
        assertThat(unary(TestService.ECHO, "before")).isEqualTo("before");
        Channel<byte[]> ch = raw();
        ch.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertClosedByServer(ch);
    }

    @Test
    void wrongMagicNumberClosesTheConnection() throws Exception {
        Channel<byte[]> ch = raw();
        ch.send(new byte[] {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF, 0, 1, 0, 0});
        RawFrames.Received goaway = next(ch);
        assertThat(goaway.type()).isEqualTo(RawFrames.GOAWAY);
        assertThat(goaway.text()).contains("HELLO");
        assertClosedByServer(ch);
    }

    @Test
    void wrongVersionIsRefusedWithGoAwayAndClosed() throws Exception {
        Channel<byte[]> ch = raw();
        ch.send(RawFrames.hello(99));
        RawFrames.Received goaway = next(ch);
        assertThat(goaway.type()).isEqualTo(RawFrames.GOAWAY);
        assertThat(goaway.code()).isEqualTo(Status.Code.UNIMPLEMENTED.value());
        assertThat(goaway.text()).contains("version 99");
        assertClosedByServer(ch);
    }

    @Test
    void truncatedFrameIsAProtocolError() throws Exception {
        Channel<byte[]> ch = handshaken();
        ch.send(new byte[] {RawFrames.WINDOW_UPDATE, 0, 0});
        RawFrames.Received goaway = next(ch);
        assertThat(goaway.type()).isEqualTo(RawFrames.GOAWAY);
        assertThat(goaway.text()).contains("protocol error");
        assertClosedByServer(ch);
    }

    @Test
    void framesForUnknownCallIdsAreIgnored() throws Exception {
        Channel<byte[]> ch = handshaken();
        ch.send(RawFrames.message(777, echoRequest("lost")));
        ch.send(RawFrames.bare(RawFrames.HALF_CLOSE, 778));
        ch.send(RawFrames.cancel(779));
        ch.send(RawFrames.windowUpdate(780, 4096));
        ch.send(new byte[] {0x42, 0, 0, 0, 0, 1, 9, 9}); // an unknown frame type: ignored too
        ch.send(RawFrames.unaryCall(1, TestService.ECHO.fullName(), 0, echoRequest("still here")));
        RawFrames.Received end = next(ch);
        assertThat(end.type()).isEqualTo(RawFrames.CALL_END);
        assertThat(end.callId()).isEqualTo(1);
        assertThat(end.code()).isZero();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void pingIsAnsweredWithTheSameData() throws Exception {
        Channel<byte[]> ch = handshaken();
        ch.send(RawFrames.ping(0x1122334455667788L));
        RawFrames.Received pong = next(ch);
        assertThat(pong.type()).isEqualTo(RawFrames.PONG);
        assertThat(java.nio.ByteBuffer.wrap(pong.rest()).getLong()).isEqualTo(0x1122334455667788L);
    }

    @Test
    void oversizedRequestIsResourceExhaustedAndTheConnectionStays() throws Exception {
        Channel<byte[]> ch = handshaken();
        ch.send(RawFrames.unaryCall(
                1, TestService.ECHO.fullName(), 0, echoRequest("z".repeat(TestServers.MAX_MESSAGE_SIZE + 10))));
        RawFrames.Received end = next(ch);
        assertThat(end.callId()).isEqualTo(1);
        assertThat(end.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
        ch.send(RawFrames.unaryCall(2, TestService.ECHO.fullName(), 0, echoRequest("small")));
        RawFrames.Received ok = next(ch);
        assertThat(ok.callId()).isEqualTo(2);
        assertThat(ok.code()).isZero();
    }

    @Test
    void reusingTheIdOfACallInProgressIsAProtocolError() throws Exception {
        Channel<byte[]> ch = handshaken();
        ch.send(RawFrames.unaryCall(5, TestService.HANG.fullName(), 0, echoRequest(tag("reuse"))));
        ch.send(RawFrames.unaryCall(5, TestService.ECHO.fullName(), 0, echoRequest("again")));
        RawFrames.Received goaway = next(ch);
        assertThat(goaway.type()).isEqualTo(RawFrames.GOAWAY);
        assertThat(goaway.text()).contains("in use");
        assertClosedByServer(ch);
    }

    @Test
    void serverEnforcesTheDeadlineEvenIfTheClientNeverCancels() throws Exception {
        Channel<byte[]> ch = handshaken();
        String tag = tag("raw-deadline");
        ch.send(RawFrames.unaryCall(
                3, TestService.HANG.fullName(), Duration.ofMillis(200).toNanos(), echoRequest(tag)));
        RawFrames.Received end = next(ch);
        assertThat(end.callId()).isEqualTo(3);
        assertThat(end.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED.value());
        // Asked on the same connection: over pipe:, it is the only one reaching this server.
        ch.send(RawFrames.unaryCall(4, TestService.EVENTS.fullName(), 0, echoRequest(tag)));
        RawFrames.Received events = next(ch);
        assertThat(events.callId()).isEqualTo(4);
        assertThat(StringValue.parseFrom(events.payloadAfterTrailers()).getValue())
                .contains("cancelled");
    }

    @Test
    void callEndFromAClientIsAProtocolError() throws Exception {
        Channel<byte[]> ch = handshaken();
        ch.send(new byte[] {RawFrames.CALL_END, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0});
        assertThat(next(ch).type()).isEqualTo(RawFrames.GOAWAY);
        assertClosedByServer(ch);
    }
}
