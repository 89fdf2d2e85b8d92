package dev.conduit.benchmarks;

import dev.conduit.core.Codecs;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code tcp://} over loopback with the default engine: round-trip latency (sampled, for percentiles) and rate
 * through an echo listener, and one-way throughput into a sink, at 64 B, 1 KiB and 64 KiB, with {@code idle=block}
 * (the default) and {@code idle=spin}. Compare with {@link NettyEchoBaseline} in the same run:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'TcpBenchmark|NettyEchoBaseline' -f 1 -wi 2 -i 3 -w 1 -r 2
 * </pre>
 *
 * <p>The codec is {@link Codecs#bytes()} (one array per decoded message); {@link TcpAllocationBenchmark} isolates what
 * the transport allocates.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class TcpBenchmark {
    static final int BATCH = 1000;

    @Param({"64", "1024", "65536"})
    int size;

    @Param({"block", "spin"})
    String idle;

    /**
     * {@code bytes}: {@link Codecs#bytes()}, a fresh array per message, the common case. {@code reusing}: {@link
     * ReusingBytesCodec}, to separate the transport's cost from the codec's copies ({@code -p codec=reusing}).
     */
    @Param({"bytes"})
    String codec;

    private SocketEcho fixture;
    private byte[] payload;

    @Setup(Level.Trial)
    public void start() {
        fixture = new SocketEcho(
                "tcp://127.0.0.1:0?idle=" + idle, codec.equals("reusing") ? ReusingBytesCodec::new : Codecs::bytes);
        payload = new byte[size];
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

    /** Round trips per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] roundTripRate() throws InterruptedException {
        return fixture.roundTrip(payload);
    }

    /** Messages per second into a sink, one way. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void oneWay() throws InterruptedException {
        fixture.sendToSink(payload, BATCH);
    }
}
