package dev.conduit.benchmarks;

import dev.conduit.core.ChannelMetrics;
import dev.conduit.core.Conduit;
import java.util.concurrent.TimeUnit;
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
 * What core's channel-metrics hook costs a round trip: the same 64-byte echo over {@code tcp://} and {@code shm://},
 * on a runtime without a hook ({@code off}: the send and receive paths do one null check) and with one ({@code on}:
 * each message also adds to the runtime's per-transport counters). The hook here records nothing itself, as
 * OpenTelemetry's does not per message (it reads the counters when it collects), so {@code on} is the whole cost:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ChannelMetricsBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class ChannelMetricsBenchmark {

    @Param({"tcp", "shm"})
    String transport;

    @Param({"off", "on"})
    String hook;

    private EchoFixture fixture;
    private final byte[] payload = new byte[64];

    @Setup(Level.Trial)
    public void start() {
        Conduit.Builder runtime = Conduit.builder().name("bench");
        if (hook.equals("on")) {
            runtime.channelMetrics(new ChannelMetrics() {});
        }
        String uri = transport.equals("tcp") ? "tcp://127.0.0.1:0" : "shm://*";
        fixture = new EchoFixture(uri, uri, runtime);
    }

    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    /** One request-reply through the echo listener; JMH reports the percentiles. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] roundTrip() throws InterruptedException {
        return fixture.roundTrip(payload);
    }
}
