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
 * Conduit RPC: unary round trip at 64 B and 1 KiB, and server-streaming messages per second, per transport. Run it
 * with {@link GrpcBenchmark} in the same JMH invocation for the comparison.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RpcBenchmark {
    static final int STREAMED = 1000;

    @Param({"tcp", "unix", "shm", "inproc"})
    String transport;

    @Param({"64", "1024"})
    int size;

    /**
     * The option set of both ends. {@code default}: each transport's defaults (the figures before {@code spin} came
     * are of this set). {@code spin}: {@code idle=spin} on the listening and the target URI, for the lowest latency:
     * the transport's thread busy-polls (shm's poller; for tcp and unix a busy-polling event loop, which the client
     * shares with the listener in this one runtime; inproc has no thread of its own), and the blocking caller, whose
     * wait follows the target's {@code idle}, spins for the response instead of parking. The service runs on the
     * direct executor in both sets. Any other value with a {@code =} is used as URI options as it stands.
     */
    @Param({"default", "spin"})
    String options;

    private RpcFixture fixture;
    private byte[] payload;

    @Setup(Level.Trial)
    public void start() {
        fixture = new RpcFixture(transport, options);
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

    /** Messages per second of a server-streaming call ({@value #STREAMED} messages per call). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(STREAMED)
    public long streaming() {
        return fixture.stream(STREAMED, size);
    }

    /** Messages per second of a server-streaming call read by an observer, not a blocking iterator. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(STREAMED)
    public long streamingAsync() {
        return fixture.streamAsync(STREAMED, size);
    }
}
