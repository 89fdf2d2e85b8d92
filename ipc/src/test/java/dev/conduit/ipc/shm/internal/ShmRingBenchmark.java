package dev.conduit.ipc.shm.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The shm ring alone, without a link or core: producers on JMH threads, one consumer thread that zeroes and releases
 * what it reads. Compares the two ways of making concurrent sends safe that the design allows: a lock around a
 * single-writer ring ({@code claim=lock}, what {@code ShmOutbound} does) and a compare-and-set claim of the tail by
 * each producer ({@code claim=cas}), with one producer and with two.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ShmRingBenchmark {
    static final int BATCH = 1000;
    private static final int CAPACITY = 1 << 20;

    @Param({"lock", "cas"})
    String claim;

    @Param({"64"})
    int size;

    private RingWriter single;
    private CasClaimRingWriter cas;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean running = true;
    private Thread consumer;
    private volatile long consumed;

    @Setup(Level.Trial)
    public void start() {
        ByteBuffer memory =
                ByteBuffer.allocateDirect(RingDescriptor.ringLength(CAPACITY)).order(ByteOrder.nativeOrder());
        single = new RingWriter(memory, 0, CAPACITY);
        cas = new CasClaimRingWriter(memory, 0, CAPACITY);
        RingReader reader = new RingReader(memory, 0, CAPACITY);
        consumer = new Thread(
                () -> {
                    long n = 0;
                    RingReader.RecordHandler count = (type, payload) -> true;
                    while (running) {
                        int read = reader.poll(count, 64 << 10);
                        if (read == 0) {
                            Thread.onSpinWait();
                        }
                        n += read;
                    }
                    consumed = n;
                },
                "ring-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        running = false;
        consumer.join(10_000);
    }

    /** A producer's own message buffer. */
    @State(Scope.Thread)
    public static class Producer {
        ByteBuf message;
        ByteBuffer window;

        @Setup(Level.Trial)
        public void allocate(ShmRingBenchmark b) {
            message = Unpooled.directBuffer(b.size).writeZero(b.size);
            window = b.cas.newWindow();
        }
    }

    private void send(Producer p) {
        ByteBuf message = p.message;
        if (claim.equals("cas")) {
            while (!cas.write(message, p.window)) {
                Thread.onSpinWait();
            }
            return;
        }
        while (true) {
            lock.lock();
            try {
                if (single.write(message, 0) >= 0) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            Thread.onSpinWait();
        }
    }

    /** Records per second from one producer. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    @Threads(1)
    public void oneProducer(Producer p) {
        for (int i = 0; i < BATCH; i++) {
            send(p);
        }
    }

    /** Records per second from two producers at once (three busy threads on this 2-core machine). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    @Threads(2)
    public void twoProducers(Producer p) {
        for (int i = 0; i < BATCH; i++) {
            send(p);
        }
    }
}
