package dev.conduit.benchmarks;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.opentelemetry.ConduitOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What observability costs a unary call: {@code off} (no tracer, no interceptor: the default, which must cost
 * nothing), {@code noop} ({@link ConduitOpenTelemetry} on OpenTelemetry's no-op API) and {@code sdk} (on an SDK that
 * records metrics and spans but exports nothing, so the figure is the instrumentation, not an exporter). Compare
 * {@code off} with the same call in {@code RpcBenchmark} to see that the hooks add nothing; run with {@code -prof gc}
 * for the allocation per call.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RpcTracingOverheadBenchmark {
    @Param({"off", "noop", "sdk"})
    String observability;

    @Param({"inproc", "shm"})
    String transport;

    private Conduit conduit;
    private @Nullable OpenTelemetrySdk sdk;
    private RpcServer server;
    private RpcChannel channel;
    private final byte[] payload = new byte[64];

    @Setup(Level.Trial)
    public void start() {
        conduit = Conduit.builder().name("rpc-otel-bench").build();
        RpcServer.Builder serverBuilder = RpcServer.builder(conduit)
                .listen(RpcFixture.listenUri(transport))
                .addService(RpcFixture.service())
                .directExecutor();
        ConduitOpenTelemetry otel = telemetry();
        if (otel != null) {
            otel.configure(serverBuilder);
        }
        server = serverBuilder.start();
        RpcChannel.Builder channelBuilder =
                RpcChannel.builder(conduit).target(server.endpoints().get(0).toString());
        if (otel != null) {
            otel.configure(channelBuilder);
        }
        channel = channelBuilder.build();
    }

    private @Nullable ConduitOpenTelemetry telemetry() {
        return switch (observability) {
            case "off" -> null;
            case "noop" -> ConduitOpenTelemetry.create(OpenTelemetry.noop());
            case "sdk" -> {
                sdk = OpenTelemetrySdk.builder()
                        .setMeterProvider(SdkMeterProvider.builder().build())
                        .setTracerProvider(SdkTracerProvider.builder().build())
                        .build();
                yield ConduitOpenTelemetry.create(sdk);
            }
            default -> throw new IllegalArgumentException("observability is off, noop or sdk: " + observability);
        };
    }

    @TearDown(Level.Trial)
    public void stop() {
        channel.close();
        server.close();
        conduit.close();
        if (sdk != null) {
            sdk.close();
        }
    }

    /** One unary call of 64 bytes each way. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] unary() {
        return RpcFixture.unary(channel, payload);
    }
}
