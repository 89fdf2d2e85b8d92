package dev.conduit.benchmarks;

import dev.conduit.core.Codecs;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * {@code udp://} one-way throughput at 64 B into a sink listener, over loopback. UDP has no flow control: the sender
 * is not slowed down by a receiver that cannot keep up, which drops instead. So next to the send rate ({@code
 * oneWay}) JMH reports the {@code delivered} rate, the datagrams the sink actually received: the one to quote.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar UdpBenchmark -f 1 -wi 2 -i 3 -w 1 -r 2
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class UdpBenchmark {
    static final int BATCH = 1000;

    @Param({"64"})
    int size;

    private SocketEcho fixture;
    private byte[] payload;

    /** Datagrams the sink received during the iteration, as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Delivered {
        /** Datagrams received by the sink. */
        public long delivered;

        private long seen;
        private UdpBenchmark bench;

        @Setup(Level.Iteration)
        public void reset(UdpBenchmark b) {
            bench = b;
            seen = b.fixture.sunk.get();
            delivered = 0;
        }

        void update() {
            long now = bench.fixture.sunk.get();
            delivered += now - seen;
            seen = now;
        }
    }

    @Setup(Level.Trial)
    public void start() {
        fixture = new SocketEcho("udp://127.0.0.1:0", Codecs::bytes);
        payload = new byte[size];
    }

    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    /** Datagrams sent per second; see {@code delivered} for those received. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void oneWay(Delivered counter) throws InterruptedException {
        fixture.sendToSink(payload, BATCH);
        counter.update();
    }
}
