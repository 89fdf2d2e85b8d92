package dev.conduit.benchmarks;

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
 * What {@code tcp://} allocates per message in steady state, with a codec that allocates nothing ({@link
 * ReusingBytesCodec}) and {@code offer}: run it with the GC profiler and read {@code gc.alloc.rate.norm}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar TcpAllocationBenchmark -prof gc -f 1 -wi 2 -i 3 -w 1 -r 2
 * </pre>
 *
 * <p>{@code roundTrip} runs with {@code idle=spin}, whose receive busy-waits; with {@code idle=block} the receiving
 * thread parks on a {@link java.util.concurrent.locks.Condition}, and the JDK allocates a wait node per park.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class TcpAllocationBenchmark {
    static final int BATCH = 1000;

    @Param({"64"})
    int size;

    @Param({"block", "spin"})
    String idle;

    private SocketEcho fixture;
    private byte[] payload;

    @Setup(Level.Trial)
    public void start() {
        fixture = new SocketEcho("tcp://127.0.0.1:0?idle=" + idle, ReusingBytesCodec::new);
        payload = new byte[size];
    }

    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    /** One request-reply. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] roundTrip() throws InterruptedException {
        return fixture.roundTrip(payload);
    }

    /** Messages into a sink, one way. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void oneWay() throws InterruptedException {
        fixture.sendToSink(payload, BATCH);
    }
}
