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
 * Each benchmark has a state of its own, as Aeron's do, so that the poller serves only the links being measured.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ShmBenchmark {
    static final int BATCH = 1000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A runtime and a payload; the base of both setups. */
    @State(Scope.Benchmark)
    public abstract static class Base {
        @Param({"spin", "backoff"})
        String idle;

        @Param({"64", "1024", "65536"})
        int size;

        Conduit conduit;
        byte[] payload;

        /** Starts the runtime; returns the listener's URI. */
        String start() {
            conduit = Conduit.builder().name("bench").build();
            payload = new byte[size];
            return "shm://*?idle=" + idle;
        }

        @TearDown(Level.Trial)
        public void stop() {
            conduit.close();
        }
    }

    /** A client of a listener that echoes every message from the poller thread. */
    @State(Scope.Benchmark)
    public static class Echo extends Base {
        Channel<byte[]> client;

        @Setup(Level.Trial)
        public void setUp() {
            Listener<byte[]> echo = listen(start());
            client = conduit.connect(echo.endpoint(), ReusingBytesCodec.INSTANCE);
        }

        private Listener<byte[]> listen(String uri) {
            return conduit.listen(
                    uri, ReusingBytesCodec.INSTANCE, ch -> ch.onMessage((c, m) -> echo(c, m), Channel.DIRECT));
        }

        private static void echo(Channel<byte[]> channel, byte[] message) {
            while (!channel.offer(message)) {
                Thread.onSpinWait();
            }
        }
    }

    /** A client of a listener that counts what it receives on the poller thread. */
    @State(Scope.Benchmark)
    public static class Sink extends Base {
        Channel<byte[]> client;
        final PaddedCounter sunk = new PaddedCounter();

        @Setup(Level.Trial)
        public void setUp() {
            String uri = start();
            Listener<byte[]> sink = conduit.listen(
                    uri, ReusingBytesCodec.INSTANCE, ch -> ch.onMessage((c, m) -> sunk.increment(), Channel.DIRECT));
            client = conduit.connect(sink.endpoint(), ReusingBytesCodec.INSTANCE);
        }
    }

    /** One request-reply through the echo listener. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] roundTrip(Echo s) throws InterruptedException {
        while (!s.client.offer(s.payload)) {
            Thread.onSpinWait();
        }
        byte[] reply = s.client.receive(WAIT);
        if (reply == null || reply.length != s.size) {
            throw new IllegalStateException("echo lost or damaged a message");
        }
        return reply;
    }

    /** Messages per second into a sink, one way; the sender spins while the channel is unwritable. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void oneWay(Sink s) {
        Channel<byte[]> client = s.client;
        byte[] payload = s.payload;
        for (int i = 0; i < BATCH; i++) {
            while (!client.isWritable() || !client.offer(payload)) {
                Thread.onSpinWait();
            }
        }
    }
}
