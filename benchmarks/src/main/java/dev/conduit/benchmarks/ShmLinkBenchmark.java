package dev.conduit.benchmarks;

import dev.conduit.core.CloseReason;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.Transport;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * The shm transport through its SPI only (found by scheme, as the runtime finds it), without core's channel: {@code Link.writeNow} of a reused buffer (and
 * {@code Link.write} when the ring is full, as core does), frames counted in {@code LinkListener.onFrame}. The difference to {@link ShmBenchmark} is what core's channel (encode into
 * a pooled buffer, pending-bytes accounting, inbound queue, codec) costs on top of the transport.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ShmLinkBenchmark {
    static final int BATCH = 1000;
    /** Writes that may wait in the link before the sender spins: a stand-in for core's writability. */
    private static final long MAX_OUTSTANDING = 4096;

    @Param({"spin"})
    String idle;

    @Param({"64"})
    int size;

    private Conduit runtime;
    private TransportContext context;
    private Binding echoBinding;
    private Binding sinkBinding;
    private Link echoClient;
    private Link sinkClient;
    private ByteBuf payload;
    private ByteBuf reply;
    private volatile long replies;
    /** Counted with an ordered store, as {@link ShmBenchmark}'s sink does: a volatile store would fence each frame. */
    private final PaddedCounter sunk = new PaddedCounter();

    private final AtomicLong completed = new AtomicLong();
    private long written;
    private final WriteCallback countCompletion = error -> completed.incrementAndGet();

    private static final WriteCallback IGNORE = error -> {};

    @Setup(Level.Trial)
    public void start() throws Exception {
        runtime = Conduit.builder().name("linkbench").build();
        context = runtime.transportContext();
        Transport shm = shmTransport();
        LinkConfig config =
                new LinkConfig(Framing.NONE, 16 << 20, Idle.valueOf(idle.toUpperCase()), Duration.ofSeconds(10));
        payload = Unpooled.directBuffer(size).writeZero(size);
        reply = Unpooled.directBuffer(size).writeZero(size);
        echoBinding = shm.listen(Endpoint.parse("shm://*"), config, context, link -> new Listener() {
            @Override
            public void onFrame(ByteBuffer frame) {
                if (!link.writeNow(reply)) {
                    link.write(reply.retain(), IGNORE);
                }
            }
        });
        sinkBinding = shm.listen(Endpoint.parse("shm://*"), config, context, link -> new Listener() {
            @Override
            public void onFrame(ByteBuffer frame) {
                sunk.increment();
            }
        });
        echoClient = connect(shm, echoBinding.endpoint(), config, new Listener() {
            @Override
            public void onFrame(ByteBuffer frame) {
                replies = replies + 1;
            }
        });
        sinkClient = connect(shm, sinkBinding.endpoint(), config, new Listener());
    }

    /** The shm transport as the runtime finds it: through the SPI's ServiceLoader, by scheme. */
    private static Transport shmTransport() {
        for (Transport t : ServiceLoader.load(Transport.class, ShmLinkBenchmark.class.getClassLoader())) {
            if (t.schemes().contains("shm")) {
                return t;
            }
        }
        throw new IllegalStateException("no transport serves shm://; conduit-ipc must be on the class path");
    }

    private Link connect(Transport shm, Endpoint endpoint, LinkConfig config, LinkListener listener) throws Exception {
        AtomicReference<Link> link = new AtomicReference<>();
        shm.connect(endpoint, config, context, l -> {
                    link.set(l);
                    return listener;
                })
                .get(10, TimeUnit.SECONDS);
        return link.get();
    }

    /** Counts nothing and ignores the close. */
    private static class Listener implements LinkListener {
        @Override
        public void onFrame(ByteBuffer frame) {}

        @Override
        public void onClosed(CloseReason reason) {}
    }

    @TearDown(Level.Trial)
    public void stop() {
        echoClient.close();
        sinkClient.close();
        echoBinding.close();
        sinkBinding.close();
        runtime.close();
        payload.release();
        reply.release();
    }

    /** One request-reply, transport only. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long roundTrip() {
        long before = replies;
        if (!echoClient.writeNow(payload)) {
            echoClient.write(payload.retain(), IGNORE);
        }
        long now;
        while ((now = replies) == before) {
            Thread.onSpinWait();
        }
        return now;
    }

    /** Frames per second into a counting listener, transport only. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void oneWay() {
        for (int i = 0; i < BATCH; i++) {
            while (written - completed.get() >= MAX_OUTSTANDING) {
                Thread.onSpinWait();
            }
            if (!sinkClient.writeNow(payload)) {
                written++;
                sinkClient.write(payload.retain(), countCompletion);
            }
        }
    }
}
