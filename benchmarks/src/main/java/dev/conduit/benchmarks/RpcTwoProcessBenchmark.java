package dev.conduit.benchmarks;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Conduit RPC between two JVMs: this one is the client, and a server JVM ({@link RpcPeerMain}) forked per trial from
 * the same java binary and class path serves {@link RpcFixture}'s echo on the direct executor. shm and the unix socket
 * live in a temporary directory of the trial, tcp on 127.0.0.1 with an ephemeral port.
 *
 * <p>{@link #unaryRoundTrip} is one blocking unary call of 64 B each way; JMH's sample mode prints p50, p99 and
 * p99.9. {@link #idleServerCpu} measures what the server costs while nothing happens: the client is connected and
 * sends nothing, and the counter {@code serverCpuPercent} is the server process's CPU time (all its threads, from
 * {@code /proc/<pid>/stat} through {@link ProcessHandle.Info#totalCpuDuration}) over the iteration's wall time, in
 * percent of one core. JMH prints it as {@code ops/s}: read that as percent. The kernel counts CPU time in 10 ms
 * ticks, so with 2 s iterations a figure is good to about half a percent; the method's own score (idle slices per
 * second) means nothing. This JVM's CPU is not counted.
 *
 * <p>{@code options}: {@code default} is each transport's defaults (shm: {@code backoff}; tcp and unix: {@code
 * block}); {@code spin} is {@code idle=spin} on the server's listener and on the client's target, so that both
 * ends' transport threads busy-poll and the calling thread spins for its response. A trial fails, with the last
 * lines of the server's stderr, if the server does not start within 30 s or dies during the trial.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RpcTwoProcessBenchmark {
    /** How long the client sleeps between two reads of the server's CPU time. */
    private static final long IDLE_SLICE_MILLIS = 100;

    @Param({"shm", "unix", "tcp"})
    String transport;

    /** {@code default} or {@code spin} ({@link RpcFixture#uriOptions}), on both ends. */
    @Param({"default", "spin"})
    String options;

    private RpcPeerProcess server;
    private Conduit conduit;
    private RpcChannel channel;
    private final byte[] payload = new byte[64];

    @Setup(Level.Trial)
    public void start() throws Exception {
        server = new RpcPeerProcess(transport, options);
        conduit = Conduit.builder().name("rpc-client").build();
        channel = RpcChannel.builder(conduit).target(server.uri()).build();
        // Connects, and proves that the server answers, before anything is measured.
        unaryRoundTrip();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        try {
            if (channel != null) {
                channel.close();
            }
            if (conduit != null) {
                conduit.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** One unary call: 64 B request, 64 B response. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] unaryRoundTrip() {
        try {
            return RpcFixture.unary(channel, payload);
        } catch (RpcException e) {
            throw server.explain(e);
        }
    }

    /** The server's CPU use while the client, connected, sends nothing (see the class comment). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ServerCpu {
        /**
         * The server's CPU time over this iteration, in units of 10 ms: JMH divides it by the iteration's seconds,
         * which gives percent of one core.
         */
        public double serverCpuPercent;

        private long lastCpuNanos;

        @Setup(Level.Iteration)
        public void begin(RpcTwoProcessBenchmark bench) {
            serverCpuPercent = 0;
            lastCpuNanos = bench.server.cpuNanos();
        }

        void add(long cpuNanos) {
            serverCpuPercent += (cpuNanos - lastCpuNanos) / 1e7;
            lastCpuNanos = cpuNanos;
        }
    }

    /** Sleeps a slice while the server idles, and adds the CPU time the server used since the last read. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void idleServerCpu(ServerCpu cpu) throws InterruptedException {
        Thread.sleep(IDLE_SLICE_MILLIS);
        cpu.add(server.cpuNanos());
    }
}
