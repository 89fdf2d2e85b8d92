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
 * {@code inproc://}: round-trip latency through an echo listener, and one-way throughput into a sink, at 64 B, 1 KiB
 * and 64 KiB.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InprocBenchmark {
    static final int BATCH = 1000;

    @Param({"64", "1024", "65536"})
    int size;

    private EchoFixture fixture;
    private byte[] payload;

    @Setup(Level.Trial)
    public void start() {
        fixture = new EchoFixture("inproc://*", "inproc://*");
        payload = new byte[size];
    }

    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    /** One request-reply through the echo listener. */
    @Benchmark
    @BenchmarkMode({Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] roundTrip() throws InterruptedException {
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
