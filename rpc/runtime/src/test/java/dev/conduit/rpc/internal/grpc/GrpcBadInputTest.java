package dev.conduit.rpc.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.internal.grpc.H2TestClient.Data;
import dev.conduit.rpc.internal.grpc.H2TestClient.GoAway;
import dev.conduit.rpc.internal.grpc.H2TestClient.Headers;
import dev.conduit.rpc.internal.grpc.H2TestClient.Reset;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Error;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken HTTP/2 input to a Conduit gRPC server, from real clients (sockets and a bare HTTP/2 client):
 * each gets the answer HTTP/2 and gRPC prescribe (a status, RST_STREAM or GOAWAY), the server goes on serving other
 * connections (a normal call through Conduit's own gRPC client proves it after each), and nothing leaks (Netty leak
 * detection is PARANOID for every test).
 */
class GrpcBadInputTest extends GrpcServerTestBase {
    /** A normal call from a fresh connection still works. */
    private void serverStillServes() {
        try (RpcChannel channel =
                RpcChannel.builder(server.conduit).target(server.uri()).build()) {
            assertThat(ClientCalls.blockingUnary(channel, GrpcTestServer.UNARY, CallOptions.DEFAULT, "still here"))
                    .isEqualTo("still here");
        }
    }

    /** Everything the server sends on a raw socket after {@code bytes}, until it closes the connection. */
    private byte[] rawExchange(byte[] bytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                got.write(chunk, 0, n);
            }
            return got.toByteArray();
        }
    }

    @Test
    void garbageInsteadOfThePrefaceGetsGoAwayWithProtocolError() throws Exception {
        start(b -> {});
        byte[] garbage = new byte[64];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (0x80 + i);
        }
        ByteBuffer frames = ByteBuffer.wrap(rawExchange(garbage));
        long goAwayCode = -1;
        while (frames.remaining() >= 9) {
            int length = (frames.get() & 0xff) << 16 | (frames.get() & 0xff) << 8 | (frames.get() & 0xff);
            int type = frames.get();
            frames.get(); // flags
            frames.getInt(); // stream id
            if (type == 7) {
                frames.getInt(); // last stream id
                goAwayCode = frames.getInt();
                frames.position(frames.position() + length - 8);
            } else {
                frames.position(frames.position() + length);
            }
        }
        assertThat(goAwayCode).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        serverStillServes();
    }

    @Test
    void http11RequestGetsHttpVersionNotSupported() throws Exception {
        start(b -> {});
        String response = new String(
                rawExchange("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII);
        assertThat(response).startsWith("HTTP/1.1 505 ");
        serverStillServes();
    }

    @Test
    void headersOverTheLimitGet431AndTheConnectionGoesOn() throws Exception {
        start(b -> {});
        client.headers(1, H2TestClient.request("test.Echo/Unary", "x-big", "y".repeat(9_000)), true);
        assertThat(client.await(Headers.class, h -> h.streamId() == 1).headers().status())
                .hasToString("431");
        client.headers(3, H2TestClient.request("test.Echo/Unary"), false);
        client.data(3, H2TestClient.message("ok"), true);
        client.await(Data.class, d -> d.streamId() == 3);
        serverStillServes();
    }

    @Test
    void headersFarOverTheLimitCloseTheConnection() throws Exception {
        start(b -> {});
        client.headers(1, H2TestClient.request("test.Echo/Unary", "x-big", "y".repeat(20_000)), true);
        client.await(H2TestClient.Closed.class, c -> true);
        // The GOAWAY (PROTOCOL_ERROR) may be lost to the reset of a socket closed with the header block unread.
        assertThat(client.received(GoAway.class))
                .allSatisfy(g -> assertThat(g.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code()));
        assertThat(client.received(Headers.class))
                .as("no response to the oversized request")
                .isEmpty();
        serverStillServes();
    }

    @Test
    void aBurstOfResetStreamsClosesTheConnection() throws Exception {
        start(b -> {});
        // HTTP/2 "rapid reset": streams opened and reset at once, more than the server tolerates in 30 s.
        int streams = GrpcTransport.MAX_RESETS_PER_WINDOW + 50;
        for (int i = 0; i < streams && client.isOpen(); i++) {
            int id = 1 + 2 * i;
            client.headers(id, H2TestClient.request("test.Echo/Sink"), false);
            client.reset(id, Http2Error.CANCEL.code());
        }
        client.await(H2TestClient.Closed.class, c -> true);
        // The GOAWAY (ENHANCE_YOUR_CALM) may be lost to the reset of a socket closed with unread requests in it.
        assertThat(client.received(GoAway.class))
                .allSatisfy(g -> assertThat(g.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code()));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server.activeCalls() == 0);
        serverStillServes();
    }

    @Test
    void aThousandConcurrentStreamsOnOneConnectionAreAllServed() throws Exception {
        start(b -> {});
        int n = 1000;
        for (int i = 0; i < n; i++) {
            client.headers(1 + 2 * i, H2TestClient.request("test.Echo/Sink"), false);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> server.server.activeCalls() == n);
        for (int i = 0; i < n; i++) {
            client.data(1 + 2 * i, H2TestClient.message("m"), true);
        }
        for (int i = 0; i < n; i++) {
            client.await(Headers.class, h -> h.endStream() && h.headers().get("grpc-status") != null);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server.activeCalls() == 0);
        serverStillServes();
    }

    @Test
    void streamsBeyondTheLimitAreRefused() throws Exception {
        start(b -> b.maxConcurrentCallsPerConnection(10));
        client.ignoreTheServersStreamLimit();
        for (int i = 0; i < 11; i++) {
            client.headers(1 + 2 * i, H2TestClient.request("test.Echo/Sink"), false);
        }
        Reset refused = client.await(Reset.class, r -> true);
        assertThat(refused.streamId()).isEqualTo(21);
        assertThat(refused.errorCode()).isEqualTo(Http2Error.REFUSED_STREAM.code());
        for (int i = 0; i < 10; i++) {
            client.data(1 + 2 * i, H2TestClient.message("m"), true);
        }
        for (int i = 0; i < 10; i++) {
            client.await(
                    Headers.class,
                    h -> h.endStream() && "0".contentEquals(h.headers().get("grpc-status")));
        }
        serverStillServes();
    }

    @Test
    void brokenMessagesEndTheirCallWithInternal() throws Exception {
        start(b -> {});
        // The stream ends inside a message: the prefix announces 10 bytes, 3 arrive.
        client.headers(1, H2TestClient.request("test.Echo/Unary"), false);
        client.data(1, Unpooled.buffer().writeByte(0).writeInt(10).writeBytes(new byte[3]), true);
        // A flag that is neither 0 nor 1.
        client.headers(3, H2TestClient.request("test.Echo/Unary"), false);
        client.data(3, Unpooled.buffer().writeByte(2).writeInt(1).writeByte('x'), false);
        // A compressed message on a call that named no encoding.
        client.headers(5, H2TestClient.request("test.Echo/Unary"), false);
        client.data(5, Unpooled.buffer().writeByte(1).writeInt(1).writeByte('x'), true);
        for (int id : new int[] {1, 3, 5}) {
            Headers end = client.await(Headers.class, h -> h.streamId() == id && h.endStream());
            assertThat(end.headers().get("grpc-status")).as("stream %d", id).hasToString("13");
        }
        serverStillServes();
    }
}
