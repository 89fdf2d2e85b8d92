package dev.conduit.rpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.health.HealthService;
import dev.conduit.rpc.health.v1.HealthCheckRequest;
import dev.conduit.rpc.health.v1.HealthCheckResponse.ServingStatus;
import dev.conduit.rpc.opentelemetry.greeter.GreeterRpc;
import dev.conduit.rpc.opentelemetry.greeter.HelloReply;
import dev.conduit.rpc.opentelemetry.greeter.HelloRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's {@code grpc.method} (gRFC A66): the full name for registered methods (generated stubs, the built-in
 * services) and for names the user's predicate accepts; {@code other} for the rest. Spans keep the full name.
 */
class ClientMethodNameTest {
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("grpc.method");
    private static final AttributeKey<String> TARGET = AttributeKey.stringKey("grpc.target");
    private static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("conduit.transport");
    private static final MethodDescriptor<String, String> ECHO_BY_NAME =
            TextService.unregistered("Echo", MethodType.UNARY);
    private static final MethodDescriptor<String, String> SPLIT_BY_NAME =
            TextService.unregistered("Split", MethodType.SERVER_STREAMING);

    private final OtelFixture otel = new OtelFixture();
    private final Conduit conduit = Conduit.builder().name("otel-method-names").build();
    private RpcServer server;
    private String target;

    @BeforeEach
    void start() {
        server = ConduitOpenTelemetry.create(otel.sdk)
                .configure(RpcServer.builder(conduit).listen("tcp://127.0.0.1:0"))
                .addService(new TextService().definition())
                .addService(GreeterRpc.bindService(new GreeterRpc.Service() {
                    @Override
                    public HelloReply hello(HelloRequest request) {
                        return HelloReply.newBuilder()
                                .setGreeting("hello " + request.getName())
                                .build();
                    }
                }))
                .addHealthService(new HealthService())
                .start();
        target = server.endpoints().get(0).toString();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        conduit.close();
        otel.close();
    }

    /** A channel to the server, configured by {@code telemetry}; the test closes it. */
    private RpcChannel channel(ConduitOpenTelemetry telemetry) {
        return telemetry.configure(RpcChannel.builder(conduit).target(target)).build();
    }

    @Test
    void generatedStubCallIsRecordedByItsFullName() {
        try (RpcChannel ch = channel(ConduitOpenTelemetry.create(otel.sdk))) {
            HelloReply reply = GreeterRpc.newBlockingClient(ch)
                    .hello(HelloRequest.newBuilder().setName("otel").build());
            assertThat(reply.getGreeting()).isEqualTo("hello otel");
        }

        assertThat(GreeterRpc.METHOD_HELLO.isRegistered()).isTrue();
        assertStarted("conduit.otel.Greeter/Hello", 1);
    }

    @Test
    void builtInHealthServiceCallIsRecordedByItsFullName() {
        try (RpcChannel ch = channel(ConduitOpenTelemetry.create(otel.sdk))) {
            ServingStatus status = ClientCalls.blockingUnary(
                            ch, HealthService.CHECK, CallOptions.DEFAULT, HealthCheckRequest.getDefaultInstance())
                    .getStatus();
            assertThat(status).isEqualTo(ServingStatus.SERVING);
        }
        assertStarted("grpc.health.v1.Health/Check", 1);
    }

    @Test
    void handMadeDescriptorIsOtherOnTheClientButKeepsItsNameOnTheServerAndInTheSpan() {
        try (RpcChannel ch = channel(ConduitOpenTelemetry.create(otel.sdk))) {
            assertThat(ClientCalls.blockingUnary(ch, ECHO_BY_NAME, CallOptions.DEFAULT, "hi"))
                    .isEqualTo("hi");
        }
        assertThat(ECHO_BY_NAME.isRegistered()).isFalse();
        assertStarted("other", 1);
        assertThat(clientMethodNames()).containsExactly("other");
        Attributes server = Attributes.of(METHOD, ECHO_BY_NAME.fullName(), TRANSPORT, "tcp");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(otel.counter("grpc.server.call.started", "{call}", server))
                        .isEqualTo(1));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(otel.spans.getFinishedSpanItems())
                        .extracting(SpanData::getName)
                        .containsExactlyInAnyOrder(ECHO_BY_NAME.fullName(), ECHO_BY_NAME.fullName()));
    }

    @Test
    void predicateRecordsTheHandMadeNamesItAcceptsAndRegisteredOnesStayNamed() {
        Predicate<String> onlyEcho = name -> name.equals(ECHO_BY_NAME.fullName());
        try (RpcChannel ch = channel(ConduitOpenTelemetry.create(otel.sdk, onlyEcho))) {
            assertThat(ClientCalls.blockingUnary(ch, ECHO_BY_NAME, CallOptions.DEFAULT, "hi"))
                    .isEqualTo("hi");
            try (var parts = ClientCalls.blockingServerStreaming(ch, SPLIT_BY_NAME, CallOptions.DEFAULT, "ab")) {
                parts.forEachRemaining(part -> {});
            }
            GreeterRpc.newBlockingClient(ch)
                    .hello(HelloRequest.newBuilder().setName("p").build());
        }
        assertStarted(ECHO_BY_NAME.fullName(), 1);
        assertStarted("other", 1);
        assertStarted("conduit.otel.Greeter/Hello", 1);
    }

    /** {@code grpc.client.attempt.started} has counted {@code calls} attempts of {@code method} on this channel. */
    private void assertStarted(String method, long calls) {
        Attributes attributes = Attributes.of(METHOD, method, TARGET, target, TRANSPORT, "tcp");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(otel.counter("grpc.client.attempt.started", "{attempt}", attributes))
                        .isEqualTo(calls));
    }

    private List<String> clientMethodNames() {
        return otel.metric("grpc.client.attempt.started").orElseThrow().getLongSumData().getPoints().stream()
                .map(p -> p.getAttributes().get(METHOD))
                .toList();
    }
}
