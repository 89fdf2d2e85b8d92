package dev.conduit.benchmarks;

import dev.conduit.core.Codecs;
import java.nio.file.Path;
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
 * {@code unix://}, {@code fifo://} and {@code pipe:} beside {@code tcp://} in one run, all through {@link SocketEcho}'s
 * configuration (handlers on the I/O thread, {@code offer} on both ends; for pipe the same in child JVMs, {@link
 * PipeFixture}): round-trip latency and rate through an echo, and one-way throughput into a sink, at
 * 64 B, 1 KiB and 64 KiB, with each endpoint's {@code idle} strategy: {@code block} (the default) or {@code spin}
 * (busy-polling event loops for unix and tcp; for fifo and pipe only the receiving thread spins).
 *
 * <p>{@code roundTripRate} is round trips per second (1 / the mean of {@code roundTrip}). The tcp rows need {@code conduit-transport-socket}
 * with tcp on the classpath; without it they fail and the others still run ({@code -p transport=unix,fifo,pipe}
 * leaves them out).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class IpcBenchmark {
    static final int BATCH = 1000;

    @Param({"unix", "fifo", "pipe", "tcp"})
    String transport;

    @Param({"block", "spin"})
    String idle;

    @Param({"64", "1024", "65536"})
    int size;

    private SocketEcho sockets;
    private PipeFixture pipes;
    private byte[] payload;

    @Setup(Level.Trial)
    public void start() {
        String tmp = Path.of(System.getProperty("java.io.tmpdir"))
                .resolve("cb" + ProcessHandle.current().pid())
                .toString();
        String options = "?idle=" + idle;
        switch (transport) {
            case "unix" ->
                sockets = new SocketEcho(
                        "unix://" + tmp + "-echo.sock" + options,
                        "unix://" + tmp + "-sink.sock" + options,
                        Codecs::bytes);
            case "fifo" ->
                sockets = new SocketEcho(
                        "fifo://" + tmp + "-echo" + options, "fifo://" + tmp + "-sink" + options, Codecs::bytes);
            case "tcp" -> sockets = new SocketEcho("tcp://127.0.0.1:0" + options, Codecs::bytes);
            case "pipe" -> pipes = new PipeFixture("pipe:" + options);
            default -> throw new IllegalArgumentException("unknown transport " + transport);
        }
        payload = new byte[size];
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (sockets != null) {
            sockets.close();
        }
        if (pipes != null) {
            pipes.close();
        }
    }

    /** One request-reply through the echo. */
    @Benchmark
    @BenchmarkMode({Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] roundTrip() throws InterruptedException {
        return sockets != null ? sockets.roundTrip(payload) : pipes.roundTrip(payload);
    }

    /** Round trips per second through the echo, one at a time: the figure the unix-versus-tcp goals are about. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] roundTripRate() throws InterruptedException {
        return roundTrip();
    }

    /** Messages per second into a sink, one way. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void oneWay() throws InterruptedException {
        if (sockets != null) {
            sockets.sendToSink(payload, BATCH);
        } else {
            pipes.sendToSink(payload, BATCH);
        }
    }
}
