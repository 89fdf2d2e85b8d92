package dev.conduit.rpc.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.internal.grpc.H2TestClient.Data;
import dev.conduit.rpc.internal.grpc.H2TestClient.GoAway;
import dev.conduit.rpc.internal.grpc.H2TestClient.Headers;
import dev.conduit.rpc.internal.grpc.H2TestClient.Ping;
import dev.conduit.rpc.internal.grpc.H2TestClient.Reset;
import io.netty.handler.codec.http2.Http2Error;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a Conduit server puts on the wire for gRPC, seen by a bare HTTP/2 client: the framing and headers of gRPC's
 * PROTOCOL-HTTP2 (prefix, statuses, Trailers-Only, percent-encoding, base64), deadlines, cancellation, limits,
 * keepalive and the two-step GOAWAY.
 */
class GrpcWireTest extends GrpcServerTestBase {
    @Test
    void unaryCallIsAPrefixedMessageBetweenHeadersAndTrailers() throws Exception {
        start(b -> {});
        client.headers(1, H2TestClient.request("test.Echo/Unary"), false);
        client.data(1, H2TestClient.message("hi"), true);
        Headers headers = client.await(Headers.class, h -> h.streamId() == 1);
        assertThat(headers.endStream()).isFalse();
        assertThat(headers.headers().status()).hasToString("200");
        assertThat(headers.headers().get("content-type")).hasToString("application/grpc");
        Data data = client.await(Data.class, d -> d.streamId() == 1);
        assertThat(data.bytes()).containsExactly(0, 0, 0, 0, 2, 'h', 'i');
        Headers trailers = client.await(Headers.class, h -> h.streamId() == 1);
        assertThat(trailers.endStream()).isTrue();
        assertThat(trailers.headers().get("grpc-status")).hasToString("0");
    }

    @Test
    void errorIsTrailersOnlyWithAPercentEncodedMessageAndBase64BinaryTrailers() throws Exception {
        start(b -> {});
        client.headers(1, H2TestClient.request("test.Echo/Fail"), false);
        client.data(1, H2TestClient.message("100% done \u263a\n"), true);
        Headers only = client.await(Headers.class, h -> h.streamId() == 1);
        assertThat(only.endStream())
                .as("Trailers-Only: one block ends the stream")
                .isTrue();
        assertThat(only.headers().status()).hasToString("200");
        assertThat(only.headers().getAll("grpc-status"))
                .as("the handler's forged grpc-status is not sent")
                .hasSize(1)
                .first()
                .hasToString("5");
        assertThat(only.headers().get("grpc-message")).hasToString("100%25 done %E2%98%BA%0A");
        assertThat(only.headers().get("detail-bin")).hasToString("AAEC/w");
    }

    @Test
    void reservedHeadersStayOutOfTheHandlersMetadata() throws Exception {
        start(b -> {});
        client.headers(
                1,
                H2TestClient.request(
                        "test.Echo/Headers",
                        "grpc-timeout",
                        "10S",
                        "grpc-accept-encoding",
                        "gzip",
                        "grpc-message-type",
                        "x",
                        "x-custom",
                        "1",
                        "x-data-bin",
                        "AQI"),
                false);
        client.data(1, H2TestClient.message(""), true);
        Data data = client.await(Data.class, d -> d.streamId() == 1);
        assertThat(new String(data.bytes(), 5, data.bytes().length - 5, StandardCharsets.UTF_8))
                .isEqualTo("x-custom,x-data-bin");
    }

    @Test
    void unknownMethodIsUnimplementedAndNonGrpcRequestsGetHttpStatuses() throws Exception {
        start(b -> {});
        client.headers(1, H2TestClient.request("test.Echo/Nope"), true);
        assertThat(client.await(Headers.class, h -> h.streamId() == 1).headers().get("grpc-status"))
                .hasToString("12");
        client.headers(3, H2TestClient.request("test.Echo/Unary").set("content-type", "application/json"), true);
        Headers json = client.await(Headers.class, h -> h.streamId() == 3);
        assertThat(json.headers().status()).hasToString("415");
        assertThat(json.headers().get("content-type")).hasToString("text/plain; charset=utf-8");
        client.headers(5, H2TestClient.request("test.Echo/Unary").method("GET"), true);
        assertThat(client.await(Headers.class, h -> h.streamId() == 5).headers().status())
                .hasToString("405");
        client.headers(7, H2TestClient.request("test.Echo/Unary", "grpc-timeout", "soon"), true);
        Headers timeout = client.await(Headers.class, h -> h.streamId() == 7);
        assertThat(timeout.headers().get("grpc-status")).hasToString("13");
        assertThat(timeout.headers().get("grpc-message").toString()).contains("grpc-timeout");
    }

    @Test
    void aStreamThatNeverEndsGetsDeadlineExceededInItsTrailersWhenItsDeadlinePasses() throws Exception {
        start(b -> {});
        client.headers(1, H2TestClient.request("test.Echo/Sink", "grpc-timeout", "200m"), false);
        client.data(1, H2TestClient.message("a"), false);
        // The status travels in trailers, so a client whose own clock lags still reads DEADLINE_EXCEEDED, not a reset.
        Headers end = client.await(Headers.class, h -> h.streamId() == 1 && h.endStream(), Duration.ofSeconds(10));
        assertThat(end.endStream()).isTrue();
        assertThat(end.headers().get("grpc-status")).hasToString("4");
        // The request is still open: the server says it wants no more of it (gRPC's early server closure).
        Reset reset = client.await(Reset.class, r -> r.streamId() == 1, Duration.ofSeconds(10));
        assertThat(reset.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server.activeCalls() == 0);
    }

    @Test
    void clientResetCancelsTheCall() throws Exception {
        start(b -> {});
        client.headers(1, H2TestClient.request("test.Echo/Sink"), false);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server.activeCalls() == 1);
        client.reset(1, Http2Error.CANCEL.code());
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server.activeCalls() == 0);
    }

    @Test
    void requestOverTheSizeLimitIsResourceExhausted() throws Exception {
        start(b -> b.maxMessageSize(1024));
        client.headers(1, H2TestClient.request("test.Echo/Unary"), false);
        client.data(1, H2TestClient.message("x".repeat(2000)), false);
        Headers end = client.await(Headers.class, h -> h.streamId() == 1);
        assertThat(end.endStream()).isTrue();
        assertThat(end.headers().get("grpc-status")).hasToString("8");
        client.await(Reset.class, r -> r.streamId() == 1);
    }

    @Test
    void gracefulShutdownSendsTwoGoAwaysAndFinishesTheCallsInFlight() throws Exception {
        start(b -> {});
        client.headers(1, H2TestClient.request("test.Echo/Sink"), false);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server.activeCalls() == 1);
        server.server.shutdown();
        GoAway first = client.await(GoAway.class, g -> true);
        assertThat(first.lastStreamId()).isEqualTo(Integer.MAX_VALUE);
        assertThat(first.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
        GoAway last = client.await(GoAway.class, g -> true);
        assertThat(last.lastStreamId()).isEqualTo(1);
        client.data(1, H2TestClient.message("a"), true);
        Data answer = client.await(Data.class, d -> d.streamId() == 1);
        assertThat(new String(answer.bytes(), 5, 1, StandardCharsets.UTF_8)).isEqualTo("1");
        client.await(H2TestClient.Closed.class, c -> true);
        assertThat(server.server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aDirectExecutorHandlerStreamingPastTheWindowQueuesInsteadOfBlockingTheEventLoop() throws Exception {
        // The handler runs on the event loop; if its sends blocked there for credit, the loop could never read the
        // client's WINDOW_UPDATEs and the stream would stall after the first window.
        start(b -> b.directExecutor());
        try (RpcChannel channel =
                        RpcChannel.builder(server.conduit).target(server.uri()).build();
                ResponseStream<String> responses = ClientCalls.blockingServerStreaming(
                        channel,
                        GrpcTestServer.MANY,
                        CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30)),
                        "3000:1024")) {
            int n = 0;
            while (responses.hasNext()) {
                assertThat(responses.next()).hasSize(1024);
                n++;
            }
            assertThat(n).isEqualTo(3000);
        }
    }

    @Test
    void clientThatPingsTooOftenIsToldTooManyPings() throws Exception {
        start(b -> {});
        for (int i = 0; i < 4; i++) {
            client.ping(i);
        }
        GoAway goAway = client.await(GoAway.class, g -> true);
        assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
        assertThat(goAway.debug()).isEqualTo("too_many_pings");
        client.await(H2TestClient.Closed.class, c -> true);
    }

    @Test
    void serverPingsAnIdleClientAndDropsOneThatNeverAnswers() throws Exception {
        start(b -> b.keepAlive(Duration.ofMillis(200), Duration.ofMillis(500)));
        Ping ping = client.await(Ping.class, p -> !p.ack(), Duration.ofSeconds(10));
        assertThat(ping.data()).isEqualTo(KeepAlive.PING_DATA);
        assertThat(client.isOpen())
                .as("Netty answered the ping, so the connection lives")
                .isTrue();
        try (Socket silent = new Socket("127.0.0.1", server.port())) {
            OutputStream out = silent.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // empty SETTINGS; then nothing, ever
            out.flush();
            silent.setSoTimeout(10_000);
            InputStream in = silent.getInputStream();
            long start = System.nanoTime();
            while (in.read() >= 0) {
                // the server's SETTINGS and PINGs, until it gives up on us
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
