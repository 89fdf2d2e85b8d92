package dev.conduit.benchmarks;

import dev.conduit.core.Channel;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import java.time.Duration;
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
 * {@code shm://}: round-trip latency through an echo listener and one-way throughput into a sink, per idle strategy
 * and message size; compare with {@link AeronIpcBenchmark} in the same run.
 *
 * <p>The lean path a latency-sensitive user takes: {@link Channel#offer} (no future per message), handlers on the
 * shm poller thread ({@code Channel.DIRECT}), and a codec that does not allocate per message ({@link
 * ReusingBytesCodec}), so that {@code -prof gc} shows what the transport and core allocate. One runtime holds both
 * ends, so one poller thread serves them: with the benchmark thread, two busy threads, as with Aeron's ping-pong.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ShmBenchmark {
    static final int BATCH = 1000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Param({"spin", "backoff"})
    String idle;

    @Param({"64", "1024", "65536"})
    int size;

    private Conduit conduit;
    private Channel<byte[]> echoClient;
    private Channel<byte[]> sinkClient;
    private final PaddedCounter sunk = new PaddedCounter();
    private byte[] payload;

    @Setup(Level.Trial)
    public void start() {
        conduit = Conduit.builder().name("bench").build();
        String uri = "shm://*?idle=" + idle;
        Listener<byte[]> echo = conduit.listen(
                uri, ReusingBytesCodec.INSTANCE, ch -> ch.onMessage((c, m) -> echo(c, m), Channel.DIRECT));
        Listener<byte[]> sink = conduit.listen(
                uri, ReusingBytesCodec.INSTANCE, ch -> ch.onMessage((c, m) -> sunk.increment(), Channel.DIRECT));
        echoClient = conduit.connect(echo.endpoint(), ReusingBytesCodec.INSTANCE);
        sinkClient = conduit.connect(sink.endpoint(), ReusingBytesCodec.INSTANCE);
        payload = new byte[size];
    }

    private static void echo(Channel<byte[]> channel, byte[] message) {
        while (!channel.offer(message)) {
            Thread.onSpinWait();
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        conduit.close();
    }

    /** One request-reply through the echo listener. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] roundTrip() throws InterruptedException {
        while (!echoClient.offer(payload)) {
            Thread.onSpinWait();
        }
        byte[] reply = echoClient.receive(WAIT);
        if (reply == null || reply.length != size) {
            throw new IllegalStateException("echo lost or damaged a message");
        }
        return reply;
    }

    /** Messages per second into a sink, one way; the sender spins while the channel is unwritable. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void oneWay() {
        for (int i = 0; i < BATCH; i++) {
            while (!sinkClient.isWritable() || !sinkClient.offer(payload)) {
                Thread.onSpinWait();
            }
        }
    }
}
