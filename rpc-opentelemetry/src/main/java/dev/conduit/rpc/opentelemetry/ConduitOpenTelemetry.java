package dev.conduit.rpc.opentelemetry;

import dev.conduit.core.ChannelMetrics;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.opentelemetry.internal.ClientMetrics;
import dev.conduit.rpc.opentelemetry.internal.ClientTracing;
import dev.conduit.rpc.opentelemetry.internal.OtelChannelMetrics;
import dev.conduit.rpc.opentelemetry.internal.RpcInstruments;
import dev.conduit.rpc.opentelemetry.internal.ServerMetrics;
import dev.conduit.rpc.opentelemetry.internal.ServerTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * OpenTelemetry for Conduit RPC: gRPC's metrics (gRFC A66 names, units, attributes and buckets, plus {@code
 * conduit.transport}) and a span per call on each side, joined across processes by the W3C {@code traceparent} the
 * client puts in the call's headers — so a trace runs through {@code shm://}, {@code tcp://} and {@code grpc://}
 * hops alike, and through grpc-java's own OpenTelemetry module. One call turns it on per builder:
 *
 * <pre>{@code
 * ConduitOpenTelemetry otel = ConduitOpenTelemetry.create(openTelemetry);
 * RpcServer server = otel.configure(RpcServer.builder(conduit).listen("shm://kv")).addService(kv).start();
 * RpcChannel channel = otel.configure(RpcChannel.builder(conduit).target("shm://kv")).build();
 * }</pre>
 *
 * <p>Uses the given {@link OpenTelemetry}'s meter provider, tracer provider and text-map propagators (set the W3C
 * trace-context propagator in the SDK for {@code traceparent}); the application owns and closes the SDK. Immutable
 * and thread-safe: one instance can configure any number of builders. See {@code docs/observability.md}.
 */
public final class ConduitOpenTelemetry {
    /** The instrumentation scope of Conduit's meters and tracers. */
    public static final String INSTRUMENTATION_SCOPE = "dev.conduit.rpc";

    private final ClientMetrics clientMetrics;
    private final ServerMetrics serverMetrics;
    private final ClientTracing clientTracing;
    private final ServerTracing serverTracing;
    private final OtelChannelMetrics channelMetrics;

    private ConduitOpenTelemetry(OpenTelemetry otel, Predicate<String> clientMethods) {
        RpcInstruments instruments = new RpcInstruments(otel.getMeter(INSTRUMENTATION_SCOPE));
        Tracer tracer = otel.getTracer(INSTRUMENTATION_SCOPE);
        TextMapPropagator propagator = otel.getPropagators().getTextMapPropagator();
        this.clientMetrics = new ClientMetrics(instruments, clientMethods);
        this.serverMetrics = new ServerMetrics(instruments);
        this.clientTracing = new ClientTracing(tracer, propagator);
        this.serverTracing = new ServerTracing(tracer, propagator);
        this.channelMetrics = new OtelChannelMetrics(otel.getMeter(INSTRUMENTATION_SCOPE));
    }

    /**
     * Metrics and traces through {@code openTelemetry}. A client records as {@code grpc.method} the full name of
     * registered methods only ({@link MethodDescriptor#isRegistered()}: those of generated stubs and the built-in
     * services), and any other as {@code other}, as gRFC A66 asks: a client that calls methods by names from outside
     * (a CLI, a proxy) then makes no time series per name. Spans are always named by the full method name.
     */
    public static ConduitOpenTelemetry create(OpenTelemetry openTelemetry) {
        return new ConduitOpenTelemetry(Objects.requireNonNull(openTelemetry), name -> false);
    }

    /**
     * Like {@link #create(OpenTelemetry)}, but a client also records by its full name each unregistered method whose
     * full name {@code recordMethod} accepts; the rest stay {@code other}. For hand-made descriptors of a known API.
     * Servers always record the methods they have by name, and the rest as {@code other}.
     */
    public static ConduitOpenTelemetry create(OpenTelemetry openTelemetry, Predicate<String> recordMethod) {
        return new ConduitOpenTelemetry(Objects.requireNonNull(openTelemetry), Objects.requireNonNull(recordMethod));
    }

    /**
     * The channel metrics of every runtime built with this hook, as OpenTelemetry instruments with the attribute
     * {@code conduit.transport}: {@code conduit.channel.sent.bytes}, {@code .sent.messages}, {@code .received.bytes},
     * {@code .received.messages} (counters), {@code conduit.channel.pending.bytes} (gauge), {@code
     * conduit.channels.open} (up-down counter), {@code conduit.listener.accepted} and {@code .refused} (counters):
     *
     * <pre>{@code
     * Conduit conduit = Conduit.builder().channelMetrics(otel.channelMetrics()).build();
     * }</pre>
     *
     * <p>Traffic is read from the runtimes when the SDK collects, so sending and receiving record nothing. The same
     * hook for every call; it may serve any number of runtimes.
     */
    public ChannelMetrics channelMetrics() {
        return channelMetrics;
    }

    /**
     * Turns on metrics and tracing for the channel {@code builder} builds: sets its call tracer and adds the tracing
     * interceptor (after the interceptors added so far, so those run outside the span). Returns {@code builder}.
     */
    public RpcChannel.Builder configure(RpcChannel.Builder builder) {
        return builder.tracer(clientMetrics).intercept(clientTracing);
    }

    /**
     * Turns on metrics and tracing for the server {@code builder} starts: sets its call tracer and adds the tracing
     * interceptor, which makes the call's span current while handlers run. Returns {@code builder}.
     */
    public RpcServer.Builder configure(RpcServer.Builder builder) {
        return builder.tracer(serverMetrics).intercept(serverTracing);
    }
}
