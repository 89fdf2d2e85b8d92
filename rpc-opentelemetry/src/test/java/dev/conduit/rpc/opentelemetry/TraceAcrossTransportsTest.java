package dev.conduit.rpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trace through two transports: a client calls a relay over tcp, whose handler calls an echo server over shm.
 * Each hop's span is the child of the one before, because the client's {@code traceparent} travels in the call's
 * headers and the server's span is current while its handler runs.
 */
class TraceAcrossTransportsTest {
    static final MethodDescriptor<String, String> RELAY = TextService.method("Relay", MethodType.UNARY);

    @TempDir
    Path dir;

    private final TextService echo = new TextService();
    private OtelFixture otel;
    private Conduit conduit;
    private RpcServer echoServer;
    private RpcChannel toEcho;
    private RpcServer relayServer;
    private RpcChannel toRelay;

    @BeforeEach
    void start() {
        otel = new OtelFixture();
        conduit = Conduit.builder().name("otel-trace").build();
        ConduitOpenTelemetry telemetry = ConduitOpenTelemetry.create(otel.sdk);
        echoServer = telemetry
                .configure(RpcServer.builder(conduit)
                        .listen("shm://otel-" + ProcessHandle.current().pid() + "?dir=" + dir))
                .addService(echo.definition())
                .start();
        toEcho = telemetry
                .configure(RpcChannel.builder(conduit)
                        .target(echoServer.endpoints().get(0).toString()))
                .build();
        relayServer = telemetry
                .configure(RpcServer.builder(conduit).listen("tcp://127.0.0.1:0"))
                .addService(ServiceDefinition.builder(TextService.NAME)
                        .unary(RELAY, (request, out) -> {
                            out.onNext(ClientCalls.blockingUnary(toEcho, TextService.ECHO, CallOptions.DEFAULT, request)
                                    + "!");
                            out.onCompleted();
                        })
                        .build())
                .start();
        toRelay = telemetry
                .configure(RpcChannel.builder(conduit)
                        .target(relayServer.endpoints().get(0).toString()))
                .build();
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {toRelay, relayServer, toEcho, echoServer, conduit}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
        otel.close();
    }

    @Test
    void clientRelayOverTcpAndEchoOverShmShareOneTraceEachHopTheChildOfTheLast() {
        assertThat(ClientCalls.blockingUnary(toRelay, RELAY, CallOptions.DEFAULT, "hi"))
                .isEqualTo("hi!");

        List<SpanData> spans = awaitSpans(4);
        SpanData client = span(spans, SpanKind.CLIENT, "Relay");
        SpanData relay = span(spans, SpanKind.SERVER, "Relay");
        SpanData relayClient = span(spans, SpanKind.CLIENT, "Echo");
        SpanData echoSpan = span(spans, SpanKind.SERVER, "Echo");
        assertThat(spans).extracting(SpanData::getTraceId).containsOnly(client.getTraceId());
        assertThat(client.getParentSpanContext().isValid()).isFalse();
        assertThat(relay.getParentSpanId()).isEqualTo(client.getSpanId());
        assertThat(relay.getParentSpanContext().isRemote()).isTrue();
        assertThat(relayClient.getParentSpanId()).isEqualTo(relay.getSpanId());
        assertThat(echoSpan.getParentSpanId()).isEqualTo(relayClient.getSpanId());
        assertThat(echoSpan.getParentSpanContext().isRemote()).isTrue();
        for (SpanData s : spans) {
            assertThat(s.getName())
                    .isEqualTo(TextService.NAME + "/" + s.getAttributes().get(key("rpc.method")));
            assertThat(s.getAttributes().get(key("rpc.system"))).isEqualTo("grpc");
            assertThat(s.getAttributes().get(key("rpc.service"))).isEqualTo(TextService.NAME);
            assertThat(s.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")))
                    .isZero();
            assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        }
    }

    @Test
    void streamingCallSpansHaveAMessageEventPerMessageEachWay() throws Exception {
        try (BlockingStreamCall<String, String> call =
                ClientCalls.blockingStream(toEcho, TextService.CHAT, CallOptions.DEFAULT)) {
            call.send("a");
            assertThat(call.receive()).isEqualTo("a");
            call.send("b");
            assertThat(call.receive()).isEqualTo("b");
            call.halfClose();
            assertThat(call.receive()).isNull();
        }

        List<SpanData> spans = awaitSpans(2);
        List<String> expected = List.of("SENT 1", "RECEIVED 1", "SENT 2", "RECEIVED 2");
        assertThat(messages(span(spans, SpanKind.CLIENT, "Chat"))).containsExactlyElementsOf(expected);
        assertThat(messages(span(spans, SpanKind.SERVER, "Chat")))
                .containsExactly("RECEIVED 1", "SENT 1", "RECEIVED 2", "SENT 2");
    }

    @Test
    void errorStatusIsAnErrorOfTheClientSpanAndOnlyTheCodeOnTheServerSpan() {
        assertThatThrownBy(() ->
                        ClientCalls.blockingUnary(toEcho, TextService.ECHO, CallOptions.DEFAULT, "fail:NOT_FOUND"))
                .isInstanceOf(RpcException.class);

        List<SpanData> spans = awaitSpans(2);
        SpanData client = span(spans, SpanKind.CLIENT, "Echo");
        SpanData server = span(spans, SpanKind.SERVER, "Echo");
        assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(client.getStatus().getDescription()).isEqualTo("NOT_FOUND: as asked");
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        for (SpanData s : List.of(client, server)) {
            assertThat(s.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")))
                    .isEqualTo(5L);
        }
    }

    private List<SpanData> awaitSpans(int count) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(otel.spans.getFinishedSpanItems()).hasSize(count));
        return otel.spans.getFinishedSpanItems();
    }

    private static SpanData span(List<SpanData> spans, SpanKind kind, String method) {
        return spans.stream()
                .filter(s -> s.getKind() == kind && s.getName().equals(TextService.NAME + "/" + method))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " span of " + method + " in " + spans));
    }

    private static List<String> messages(SpanData span) {
        return span.getEvents().stream()
                .filter(e -> e.getName().equals("message"))
                .map(TraceAcrossTransportsTest::describe)
                .toList();
    }

    private static String describe(EventData e) {
        return e.getAttributes().get(key("rpc.message.type")) + " "
                + e.getAttributes().get(AttributeKey.longKey("rpc.message.id"));
    }

    private static AttributeKey<String> key(String name) {
        return AttributeKey.stringKey(name);
    }
}
