package dev.conduit.benchmarks;

import dev.conduit.transport.nats.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
 * The floor under {@code nats://}: the NATS Java client alone (no Conduit), through the same kind of nats-server on
 * loopback that {@link NatsRpcBenchmark} uses, so that its figures can be read against what the broker hop itself
 * costs on this machine. {@code requestReply} is a 64 B request answered by a subscriber on another connection (as
 * another process would be), with the client's own {@code request}; {@code publishReply} is the same round trip the
 * way a Conduit session makes it (publish with a reply subject the caller's dispatcher listens on, whose handler wakes
 * the caller), the fewest thread hand-overs the NATS client allows; {@code publishSubscribe} is the rate of 64 B
 * messages from one connection's publisher to another connection's subscriber, {@value #BATCH} per invocation, each
 * invocation waiting until the subscriber has them all (as a server stream's caller waits for its last message).
 * {@code connections=1} puts both ends on one connection, as one Conduit runtime holding client and server does.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NatsFloorBenchmark {
    static final int BATCH = 1000;

    @Param({"64"})
    int size;

    @Param({"2", "1"})
    int connections;

    private NatsServer server;
    private Connection requester;
    private Connection responder;
    private Dispatcher dispatcher;
    private byte[] payload;
    private final AtomicLong received = new AtomicLong();
    private volatile Thread waiter;
    private volatile long wanted = Long.MAX_VALUE;
    private long published;
    private String inbox;
    private volatile Thread caller;
    private volatile Message reply;

    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException, TimeoutException {
        server = NatsServer.start();
        Options options = new Options.Builder().server(server.url()).build();
        requester = Nats.connect(options);
        responder = connections == 1 ? requester : Nats.connect(options);
        payload = new byte[size];
        dispatcher = responder.createDispatcher();
        dispatcher.subscribe("floor.echo", m -> responder.publish(m.getReplyTo(), m.getData()));
        dispatcher.subscribe("floor.stream", m -> {
            if (received.incrementAndGet() >= wanted) {
                LockSupport.unpark(waiter);
            }
        });
        inbox = requester.createInbox();
        Dispatcher replies = requester.createDispatcher();
        replies.subscribe(inbox, m -> {
            reply = m;
            LockSupport.unpark(caller);
        });
        requester.flush(Duration.ofSeconds(5));
        responder.flush(Duration.ofSeconds(5));
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        requester.close();
        if (responder != requester) {
            responder.close();
        }
        server.close();
    }

    /** One request and its reply, 64 B each, through the nats-server. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Message requestReply() throws InterruptedException {
        Message reply = requester.request("floor.echo", payload, Duration.ofSeconds(5));
        if (reply == null) {
            throw new IllegalStateException("no reply within 5 s");
        }
        return reply;
    }

    /** One request and its reply, 64 B each, with the reply handled on the caller's dispatcher thread. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Message publishReply() {
        caller = Thread.currentThread();
        reply = null;
        requester.publish("floor.echo", inbox, payload);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Message m;
        while ((m = reply) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no reply within 5 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return m;
    }

    /** Messages per second from a publisher to a subscriber through the nats-server. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long publishSubscribe() {
        published += BATCH;
        waiter = Thread.currentThread();
        wanted = published;
        for (int i = 0; i < BATCH; i++) {
            requester.publish("floor.stream", payload);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.get() < published) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the subscriber got " + received.get() + " of " + published
                        + " messages in 10 s (dropped as a slow consumer?)");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return received.get();
    }
}
