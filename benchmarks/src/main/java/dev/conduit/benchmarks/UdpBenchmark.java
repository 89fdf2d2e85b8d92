package dev.conduit.benchmarks;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * {@code udp://} one-way throughput at 64 B into a sink listener, over loopback. The sink has a runtime (event loops)
 * of its own, as a receiving process would. UDP has no flow control: a sender is not slowed down by a receiver that
 * cannot keep up, which drops instead. So next to the send rate ({@code oneWay}) JMH reports the {@code delivered}
 * rate, the datagrams the sink actually received: the one to quote.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar UdpBenchmark -f 1 -wi 2 -i 3 -w 1 -r 2
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class UdpBenchmark {
    static final int BATCH = 1000;
    static final Duration WAIT = Duration.ofSeconds(30);

    @Param({"64"})
    int size;

    private Conduit receiver;
    private Conduit sender;
    private Channel<byte[]> client;
    private final AtomicLong sunk = new AtomicLong();
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
            seen = b.sunk.get();
            delivered = 0;
        }

        void update() {
            long now = bench.sunk.get();
            delivered += now - seen;
            seen = now;
        }
    }

    @Setup(Level.Trial)
    public void start() {
        receiver = Conduit.builder().name("udp-sink").build();
        sender = Conduit.builder().name("udp-sender").build();
        var sink = receiver.listen(
                "udp://127.0.0.1:0",
                Codecs.bytes(),
                ch -> ch.onMessage((c, m) -> sunk.incrementAndGet(), Channel.DIRECT));
        client = sender.connect(sink.endpoint(), Codecs.bytes());
        payload = new byte[size];
    }

    @TearDown(Level.Trial)
    public void stop() {
        sender.close();
        receiver.close();
    }

    /** Datagrams sent per second; see {@code delivered} for those received. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void oneWay(Delivered counter) throws InterruptedException {
        for (int i = 0; i < BATCH; i++) {
            if (!client.isWritable() && !client.awaitWritable(WAIT)) {
                throw new IllegalStateException("not writable within " + WAIT);
            }
            while (!client.offer(payload)) {
                client.awaitWritable(WAIT);
            }
        }
        counter.update();
    }
}
