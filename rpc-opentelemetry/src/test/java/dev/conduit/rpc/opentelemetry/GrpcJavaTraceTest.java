package dev.conduit.rpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.opentelemetry.GrpcOpenTelemetry;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces join grpc-java's own OpenTelemetry module ({@code io.grpc:grpc-opentelemetry}, tracing switched on by its
 * {@code GRPC_EXPERIMENTAL_ENABLE_OTEL_TRACING} flag, which the build sets for this module's tests) in both
 * directions: a Conduit call over shm whose handler calls a grpc-java server over grpc://, and a grpc-java client
 * calling a Conduit server over grpc://. Both sides use one SDK with W3C propagation, as two services in one
 * deployment would.
 */
class GrpcJavaTraceTest {
    private static final MethodDescriptor<String, String> GRPC_ECHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(TextService.ECHO.fullName())
            .setRequestMarshaller(Utf8.INSTANCE)
            .setResponseMarshaller(Utf8.INSTANCE)
            .build();
    /** Served by Conduit over shm; calls grpc-java's Echo over grpc://. */
    private static final dev.conduit.rpc.MethodDescriptor<String, String> TO_GRPC =
            dev.conduit.rpc.MethodDescriptor.of("otel.Relay/ToGrpc", MethodType.UNARY, Codecs.text(), Codecs.text());

    @TempDir
    Path dir;

    private OtelFixture otel;
    private Conduit conduit;
    private Server grpcServer;
    private ManagedChannel grpcChannel;
    private RpcServer conduitServer;
    private RpcChannel toGrpc;
    private RpcChannel overShm;

    @BeforeEach
    void start() throws IOException {
        otel = new OtelFixture();
        conduit = Conduit.builder().name("otel-grpc").build();
        GrpcOpenTelemetry grpcOtel =
                GrpcOpenTelemetry.newBuilder().sdk(otel.sdk).build();
        NettyServerBuilder sb = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
        grpcOtel.configureServerBuilder(sb);
        grpcServer = sb.addService(ServerServiceDefinition.builder(TextService.NAME)
                        .addMethod(GRPC_ECHO, ServerCalls.asyncUnaryCall((request, out) -> {
                            out.onNext(request);
                            out.onCompleted();
                        }))
                        .build())
                .build()
                .start();

        ConduitOpenTelemetry telemetry = ConduitOpenTelemetry.create(otel.sdk);
        toGrpc = telemetry
                .configure(RpcChannel.builder(conduit).target("grpc://127.0.0.1:" + grpcServer.getPort()))
                .build();
        conduitServer = telemetry
                .configure(RpcServer.builder(conduit)
                        .listen("shm://otel-grpc-" + ProcessHandle.current().pid() + "?dir=" + dir)
                        .listen("grpc://127.0.0.1:0"))
                .addService(new TextService().definition())
                .addService(ServiceDefinition.builder("otel.Relay")
                        .unary(TO_GRPC, (request, out) -> {
                            out.onNext(
                                    ClientCalls.blockingUnary(toGrpc, TextService.ECHO, CallOptions.DEFAULT, request));
                            out.onCompleted();
                        })
                        .build())
                .start();
        overShm = telemetry
                .configure(RpcChannel.builder(conduit)
                        .target(conduitServer.endpoints().get(0).toString()))
                .build();
        InetSocketAddress grpcEndpoint = new InetSocketAddress(
                "127.0.0.1", port(conduitServer.endpoints().get(1).toString()));
        NettyChannelBuilder cb = NettyChannelBuilder.forAddress(grpcEndpoint).usePlaintext();
        grpcOtel.configureChannelBuilder(cb);
        grpcChannel = cb.build();
    }

    @AfterEach
    void stop() throws Exception {
        if (grpcChannel != null) {
            grpcChannel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : new AutoCloseable[] {overShm, conduitServer, toGrpc}) {
            if (c != null) {
                c.close();
            }
        }
        if (grpcServer != null) {
            grpcServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (conduit != null) {
            conduit.close();
        }
        otel.close();
    }

    @Test
    void conduitCallOverShmThenGrpcJavaServerOverGrpcJoinOneTrace() {
        String relayMethod = TO_GRPC.fullName();

        assertThat(ClientCalls.blockingUnary(overShm, TO_GRPC, CallOptions.DEFAULT, "hi"))
                .isEqualTo("hi");

        // Ours: client and server of the relay, client of Echo; grpc-java's: at least its server span of Echo.
        List<SpanData> spans = awaitSpans(GrpcJavaTraceTest::isGrpcJavaServer);
        SpanData root =
                only(spans, s -> s.getKind() == SpanKind.CLIENT && s.getName().equals(relayMethod));
        SpanData ourEchoClient = only(
                spans,
                s -> s.getKind() == SpanKind.CLIENT
                        && !isGrpcJava(s)
                        && s.getName().endsWith("/Echo"));
        SpanData grpcServerSpan = only(spans, GrpcJavaTraceTest::isGrpcJavaServer);
        assertThat(spans).extracting(SpanData::getTraceId).containsOnly(root.getTraceId());
        assertThat(grpcServerSpan.getParentSpanId()).isEqualTo(ourEchoClient.getSpanId());
        assertThat(grpcServerSpan.getParentSpanContext().isRemote()).isTrue();
    }

    @Test
    void grpcJavaClientCallingConduitOverGrpcIsTheParentOfConduitsServerSpan() {
        assertThat(io.grpc.stub.ClientCalls.blockingUnaryCall(
                        grpcChannel, GRPC_ECHO, io.grpc.CallOptions.DEFAULT, "hello"))
                .isEqualTo("hello");

        // Both sides end their spans on their own threads: wait until grpc-java's client spans are in too.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> spans = otel.spans.getFinishedSpanItems();
            SpanData ours = only(spans, s -> s.getKind() == SpanKind.SERVER && !isGrpcJava(s));
            List<SpanData> grpcClientSpans =
                    spans.stream().filter(GrpcJavaTraceTest::isGrpcJava).toList();
            assertThat(grpcClientSpans).extracting(SpanData::getTraceId).containsOnly(ours.getTraceId());
            assertThat(grpcClientSpans).extracting(SpanData::getSpanId).contains(ours.getParentSpanId());
            assertThat(ours.getParentSpanContext().isRemote()).isTrue();
        });
    }

    private List<SpanData> awaitSpans(java.util.function.Predicate<SpanData> last) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(otel.spans.getFinishedSpanItems()).anyMatch(last));
        return otel.spans.getFinishedSpanItems();
    }

    private static SpanData only(List<SpanData> spans, java.util.function.Predicate<SpanData> which) {
        List<SpanData> found = spans.stream().filter(which).toList();
        assertThat(found).as("matching spans in %s", spans).hasSize(1);
        return found.get(0);
    }

    /** grpc-java names its server span {@code Recv.<service>.<method>} (of kind INTERNAL, in 1.85). */
    private static boolean isGrpcJavaServer(SpanData s) {
        return isGrpcJava(s) && s.getName().startsWith("Recv.");
    }

    private static boolean isGrpcJava(SpanData s) {
        return !s.getInstrumentationScopeInfo().getName().equals(ConduitOpenTelemetry.INSTRUMENTATION_SCOPE);
    }

    private static int port(String uri) {
        return Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1).replaceAll("[^0-9].*", ""));
    }

    /** UTF-8 text as grpc-java's marshaller, the same bytes as {@code Codecs.text()}. */
    private enum Utf8 implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
