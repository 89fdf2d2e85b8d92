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
 * Plain gRPC on HTTP/2 over TCP, in the four pairings of grpc-java 1.85.1 and Conduit's {@code grpc://}, client then
 * server: unary round trip (p50, p99 from the sample distribution) and server-streaming messages per second. The goal
 * for Conduit to Conduit: at most 0.8x grpc-java's unary time and at least 1.5x its streaming rate.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar GrpcWireBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GrpcWireBenchmark {
    @Param({"grpc-java>grpc-java", "grpc-java>conduit", "conduit>grpc-java", "conduit>conduit"})
    String pairing;

    @Param({"64", "1024"})
    int size;

    private GrpcWireFixture fixture;
    private byte[] payload;

    @Setup(Level.Trial)
    public void start() {
        fixture = new GrpcWireFixture(pairing);
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
        return fixture.stream(RpcBenchmark.STREAMED, payload.length);
    }

    /** The same stream read by an observer on the transport thread. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(RpcBenchmark.STREAMED)
    public long streamingAsync() {
        return fixture.streamAsync(RpcBenchmark.STREAMED, payload.length);
    }
}
