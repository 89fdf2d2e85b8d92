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
 * gRPC-java 1.85.1, the comparison for {@link RpcBenchmark}: unary round trip and server-streaming messages per
 * second over TCP (grpc-netty-shaded), a Unix domain socket (epoll), and in-process.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GrpcBenchmark {
    @Param({"tcp", "uds", "inproc"})
    String transport;

    @Param({"64", "1024"})
    int size;

    private GrpcFixture fixture;
    private byte[] payload;

    @Setup(Level.Trial)
    public void start() {
        fixture = new GrpcFixture(transport);
        payload = new byte[size];
    }

    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    /** One unary call: request and response of {@code size} bytes. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] unaryRoundTrip() {
        return fixture.unary(payload);
    }

    /** Messages per second of a server-streaming call ({@value RpcBenchmark#STREAMED} messages per call). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(RpcBenchmark.STREAMED)
    public long streaming() {
        return fixture.stream(RpcBenchmark.STREAMED, size);
    }

    /** Messages per second of a server-streaming call read by an observer, not a blocking iterator. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(RpcBenchmark.STREAMED)
    public long streamingAsync() {
        return fixture.streamAsync(RpcBenchmark.STREAMED, size);
    }
}
