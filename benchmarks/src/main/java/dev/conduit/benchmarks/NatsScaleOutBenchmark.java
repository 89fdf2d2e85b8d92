package dev.conduit.benchmarks;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.transport.nats.testing.NatsServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scale-out: unary calls per second from 8 client threads through one {@code RpcChannel} to 1, 2 and 4 server
 * instances behind one {@code nats://} subject (each instance a runtime of its own, with its own NATS connection, as
 * separate processes would have), one nats-server on loopback. On one machine every instance shares its cores, so
 * this shows the cost of spreading, not a fleet's gain; see docs/nats.md.
 */
@State(Scope.Benchmark)
@Fork(1)
@Threads(8)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NatsScaleOutBenchmark {
    @Param({"1", "2", "4"})
    int instances;

    private NatsServer server;
    private final List<Conduit> runtimes = new ArrayList<>();
    private final List<RpcServer> servers = new ArrayList<>();
    private Conduit client;
    private RpcChannel channel;
    private final byte[] payload = new byte[64];

    @Setup(Level.Trial)
    public void start() throws InterruptedException {
        server = NatsServer.start();
        String uri = "nats://" + server.address() + "/bench.scale";
        List<AtomicLong> served = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            Conduit runtime = Conduit.builder().name("instance-" + i).build();
            AtomicLong calls = new AtomicLong();
            served.add(calls);
            runtimes.add(runtime);
            servers.add(RpcServer.builder(runtime)
                    .listen(uri)
                    .addService(counting(calls))
                    .directExecutor()
                    .start());
        }
        client = Conduit.builder().name("client").build();
        channel = RpcChannel.builder(client).target(uri).build();
        // The channel learns the instances from their announcements (about a second): measure once all take calls.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (served.stream().anyMatch(c -> c.get() == 0)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every one of " + instances + " instances took a call in 30 s");
            }
            call();
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static ServiceDefinition counting(AtomicLong calls) {
        return ServiceDefinition.builder("bench.Echo")
                .unary(RpcFixture.ECHO, (request, responses) -> {
                    calls.incrementAndGet();
                    responses.onNext(request);
                    responses.onCompleted();
                })
                .build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        channel.close();
        client.close();
        servers.forEach(RpcServer::close);
        runtimes.forEach(Conduit::close);
        server.close();
    }

    /** One unary call of 64 B each way; 8 threads call at once. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] unaryCalls() {
        return call();
    }

    private byte[] call() {
        return ClientCalls.blockingUnary(channel, RpcFixture.ECHO, CallOptions.DEFAULT, payload);
    }
}
