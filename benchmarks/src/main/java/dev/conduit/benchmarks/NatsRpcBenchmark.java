package dev.conduit.benchmarks;

import dev.conduit.transport.nats.testing.NatsServer;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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
 * Conduit RPC through a NATS server ({@code nats}: one nats-server on loopback, started here) beside the same calls
 * over {@code tcp} directly, in one run: the unary round trip at 64 B and the server-streaming rate. The NATS path
 * adds a hop (client → server → instance and back); the goals are a unary round trip at most 2.5× tcp's and
 * streaming of at least 200 k msgs/s at 64 B. Needs {@code nats-server} installed (the Debian package).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NatsRpcBenchmark {
    static final int STREAMED = 1000;

    @Param({"nats", "tcp"})
    String transport;

    @Param({"64"})
    int size;

    private @Nullable NatsServer server;
    private RpcFixture fixture;
    private byte[] payload;

    @Setup(Level.Trial)
    public void start() {
        if (transport.equals("nats")) {
            server = NatsServer.start();
            fixture = new RpcFixture("nats://" + server.address() + "/bench.rpc", "default");
        } else {
            fixture = new RpcFixture(transport, "default");
        }
        payload = new byte[size];
    }

    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
        if (server != null) {
            server.close();
        }
    }

    /** One unary call: request and response of {@code size} bytes. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] unaryRoundTrip() {
        return fixture.unary(payload);
    }

    /** Messages per second of a server-streaming call ({@value #STREAMED} messages of {@code size} bytes per call). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(STREAMED)
    public long streaming() {
        return fixture.stream(STREAMED, size);
    }
}
