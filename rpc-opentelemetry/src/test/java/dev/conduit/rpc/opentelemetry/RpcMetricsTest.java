package dev.conduit.rpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.StreamObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gRFC A66's metrics, exactly: names, units, attributes, bucket boundaries and message sizes, for every call kind and
 * for OK, an error, DEADLINE_EXCEEDED, CANCELLED and a method the server does not have. Over tcp on loopback.
 */
class RpcMetricsTest {
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("grpc.method");
    private static final AttributeKey<String> STATUS = AttributeKey.stringKey("grpc.status");
    private static final AttributeKey<String> TARGET = AttributeKey.stringKey("grpc.target");
    private static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("conduit.transport");
    private static final List<Double> LATENCY = List.of(
            0d, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01,
            0.013, 0.016, 0.02, 0.025, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65,
            0.8, 1d, 2d, 5d, 10d, 20d, 50d, 100d);
    private static final List<Double> SIZE = List.of(
            0d,
            1024d,
            2048d,
            4096d,
            16384d,
            65536d,
            262144d,
            1048576d,
            4194304d,
            16777216d,
            67108864d,
            268435456d,
            1073741824d,
            4294967296d);

    private final TextService service = new TextService();
    private OtelFixture otel;
    private Conduit conduit;
    private RpcServer server;
    private RpcChannel channel;
    private String target;

    @BeforeEach
    void start() {
        otel = new OtelFixture();
        conduit = Conduit.builder().name("otel-metrics").build();
        ConduitOpenTelemetry telemetry = ConduitOpenTelemetry.create(otel.sdk);
        server = telemetry
                .configure(RpcServer.builder(conduit).listen("tcp://127.0.0.1:0"))
                .addService(service.definition())
                .start();
        target = server.endpoints().get(0).toString();
        channel =
                telemetry.configure(RpcChannel.builder(conduit).target(target)).build();
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.close();
        }
        if (server != null) {
            server.close();
        }
        if (conduit != null) {
            conduit.close();
        }
        otel.close();
    }

    @Test
    void unaryOkRecordsEveryInstrumentWithGrpcNamesUnitsAttributesAndSizes() {
        assertThat(ClientCalls.blockingUnary(channel, TextService.ECHO, CallOptions.DEFAULT, "hello"))
                .isEqualTo("hello");

        assertCall(TextService.ECHO, "OK", 5, 5);
        assertThat(otel.metricNames())
                .containsExactlyInAnyOrder(
                        "grpc.client.attempt.started",
                        "grpc.client.attempt.duration",
                        "grpc.client.call.duration",
                        "grpc.client.attempt.sent_total_compressed_message_size",
                        "grpc.client.attempt.rcvd_total_compressed_message_size",
                        "grpc.server.call.started",
                        "grpc.server.call.duration",
                        "grpc.server.call.sent_total_compressed_message_size",
                        "grpc.server.call.rcvd_total_compressed_message_size");
    }

    @Test
    void serverStreamingCountsEveryResponseOnBothSides() {
        List<String> got = new ArrayList<>();
        try (ResponseStream<String> s =
                ClientCalls.blockingServerStreaming(channel, TextService.SPLIT, CallOptions.DEFAULT, "abcd")) {
            s.forEachRemaining(got::add);
        }

        assertThat(got).containsExactly("a", "b", "c", "d");
        assertCall(TextService.SPLIT, "OK", 4, 4);
    }

    @Test
    void clientStreamingCountsEveryRequestOnBothSides() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        StreamObserver<String> requests =
                ClientCalls.asyncClientStreaming(channel, TextService.JOIN, CallOptions.DEFAULT, observer(reply));
        requests.onNext("ab");
        requests.onNext("cde");
        requests.onCompleted();

        assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("abcde");
        assertCall(TextService.JOIN, "OK", 5, 5);
    }

    @Test
    void bidiStreamingCountsBothDirections() throws Exception {
        try (BlockingStreamCall<String, String> call =
                ClientCalls.blockingStream(channel, TextService.CHAT, CallOptions.DEFAULT)) {
            call.send("x");
            assertThat(call.receive()).isEqualTo("x");
            call.send("yz");
            assertThat(call.receive()).isEqualTo("yz");
            call.halfClose();
            assertThat(call.receive()).isNull();
        }

        assertCall(TextService.CHAT, "OK", 3, 3);
    }

    @Test
    void errorStatusIsTheGrpcStatusAttributeOnBothSides() {
        assertThatThrownBy(() ->
                        ClientCalls.blockingUnary(channel, TextService.ECHO, CallOptions.DEFAULT, "fail:NOT_FOUND"))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND));

        assertCall(TextService.ECHO, "NOT_FOUND", "fail:NOT_FOUND".length(), 0);
    }

    @Test
    void deadlineExceededIsRecordedOnBothSides() {
        assertThatThrownBy(() -> ClientCalls.blockingUnary(
                        channel, TextService.ECHO, CallOptions.DEFAULT.withTimeout(Duration.ofMillis(300)), "hang"))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

        assertCall(TextService.ECHO, "DEADLINE_EXCEEDED", 4, 0);
    }

    @Test
    void cancelledIsRecordedOnBothSides() throws Exception {
        CompletableFuture<String> reply =
                ClientCalls.futureUnary(channel, TextService.ECHO, CallOptions.DEFAULT, "hang");
        assertThat(service.hanging.await(10, TimeUnit.SECONDS)).isTrue();
        reply.cancel(true);

        assertCall(TextService.ECHO, "CANCELLED", 4, 0);
    }

    @Test
    void methodTheServerDoesNotHaveIsOtherOnTheServer() {
        assertThatThrownBy(() -> ClientCalls.blockingUnary(channel, TextService.MISSING, CallOptions.DEFAULT, "hi"))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNIMPLEMENTED));

        Attributes server = Attributes.of(METHOD, "other", TRANSPORT, "tcp");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(otel.counter("grpc.server.call.started", "{call}", server))
                        .isEqualTo(1));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(otel.histogram(
                                        "grpc.server.call.duration",
                                        "s",
                                        server.toBuilder()
                                                .put(STATUS, "UNIMPLEMENTED")
                                                .build())
                                .getCount())
                        .isEqualTo(1));
        Attributes client = Attributes.of(
                METHOD, TextService.MISSING.fullName(), TARGET, target, TRANSPORT, "tcp", STATUS, "UNIMPLEMENTED");
        assertThat(otel.histogram("grpc.client.call.duration", "s", client).getCount())
                .isEqualTo(1);
    }

    @Test
    void retriedCallIsOneCallDurationAndOneAttemptRecordPerAttempt() {
        RpcChannel retrying = ConduitOpenTelemetry.create(otel.sdk)
                .configure(RpcChannel.builder(conduit).target(target))
                .serviceConfig("""
                        {"methodConfig": [{"name": [{"service": "otel.Text"}],
                          "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.01s", "maxBackoff": "0.01s",
                                          "backoffMultiplier": 1, "retryableStatusCodes": ["UNAVAILABLE"]}}]}""")
                .build();
        try (retrying) {
            assertThat(ClientCalls.blockingUnary(retrying, TextService.ECHO, CallOptions.DEFAULT, "flaky:2"))
                    .isEqualTo("flaky:2");
        }

        Attributes started = Attributes.of(METHOD, TextService.ECHO.fullName(), TARGET, target, TRANSPORT, "tcp");
        Attributes ok = started.toBuilder().put(STATUS, "OK").build();
        Attributes unavailable = started.toBuilder().put(STATUS, "UNAVAILABLE").build();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(otel.counter("grpc.client.attempt.started", "{attempt}", started))
                    .isEqualTo(3);
            assertThat(otel.histogram("grpc.client.attempt.duration", "s", unavailable)
                            .getCount())
                    .isEqualTo(2);
            assertThat(otel.histogram("grpc.client.attempt.duration", "s", ok).getCount())
                    .isEqualTo(1);
            assertSize(otel.histogram("grpc.client.attempt.sent_total_compressed_message_size", "By", ok), 7);
            assertThat(otel.histogram("grpc.client.attempt.sent_total_compressed_message_size", "By", unavailable)
                            .getSum())
                    .as("each failed attempt sent the request too")
                    .isEqualTo(14d);
            assertLatency(otel.histogram("grpc.client.call.duration", "s", ok));
        });
        assertThat(otel.metric("grpc.client.call.duration")
                        .orElseThrow()
                        .getHistogramData()
                        .getPoints())
                .as("one call: its failed attempts add no call.duration")
                .singleElement()
                .satisfies(p -> assertThat(p.getCount()).isEqualTo(1));
    }

    /**
     * One call of {@code method} ended with {@code status} on both sides, with {@code sent} request bytes and {@code
     * received} response bytes on the wire; each instrument has that one point, with A66's buckets.
     */
    private void assertCall(MethodDescriptor<?, ?> method, String status, long sent, long received) {
        Attributes clientStart = Attributes.of(METHOD, method.fullName(), TARGET, target, TRANSPORT, "tcp");
        Attributes client = clientStart.toBuilder().put(STATUS, status).build();
        // The client records before its application hears of the end; the server once its status is written.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(otel.counter("grpc.client.attempt.started", "{attempt}", clientStart))
                    .isEqualTo(1);
            assertLatency(otel.histogram("grpc.client.attempt.duration", "s", client));
            assertLatency(otel.histogram("grpc.client.call.duration", "s", client));
            assertSize(otel.histogram("grpc.client.attempt.sent_total_compressed_message_size", "By", client), sent);
            assertSize(
                    otel.histogram("grpc.client.attempt.rcvd_total_compressed_message_size", "By", client), received);
        });
        Attributes serverStart = Attributes.of(METHOD, method.fullName(), TRANSPORT, "tcp");
        Attributes server = serverStart.toBuilder().put(STATUS, status).build();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(otel.counter("grpc.server.call.started", "{call}", serverStart))
                    .isEqualTo(1);
            assertLatency(otel.histogram("grpc.server.call.duration", "s", server));
            assertSize(otel.histogram("grpc.server.call.rcvd_total_compressed_message_size", "By", server), sent);
            assertSize(otel.histogram("grpc.server.call.sent_total_compressed_message_size", "By", server), received);
        });
    }

    private static void assertLatency(HistogramPointData p) {
        assertThat(p.getCount()).isEqualTo(1);
        assertThat(p.getSum()).isPositive();
        assertThat(p.getBoundaries()).isEqualTo(LATENCY);
    }

    private static void assertSize(HistogramPointData p, long bytes) {
        assertThat(p.getCount()).isEqualTo(1);
        assertThat(p.getSum()).isEqualTo((double) bytes);
        assertThat(p.getBoundaries()).isEqualTo(SIZE);
    }

    private static StreamObserver<String> observer(CompletableFuture<String> reply) {
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                reply.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                reply.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        };
    }
}
