package dev.conduit.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The baseline for {@link TcpBenchmark}: a plain, hand-written Netty 4.2 echo over TCP, as a Netty user would write
 * it. Same wire format (4-byte length prefix), same engine choice (epoll where available), TCP_NODELAY, Netty's
 * default event loop group and pooled allocator; the echo replies on the I/O thread; the client hands replies to the
 * benchmark thread through a blocking queue; the one-way sender waits on writability. No Conduit code runs here.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class NettyEchoBaseline {
    static final int BATCH = TcpBenchmark.BATCH;

    @Param({"64", "1024", "65536"})
    int size;

    private EventLoopGroup group;
    private Channel echoServer;
    private Channel sinkServer;
    private Channel echoClient;
    private Channel sinkClient;
    private final BlockingQueue<ByteBuf> replies = new ArrayBlockingQueue<>(16);
    private final AtomicLong sunk = new AtomicLong();
    private final ReentrantLock writability = new ReentrantLock();
    private final Condition writable = writability.newCondition();
    private byte[] payload;

    @Setup(Level.Trial)
    public void start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(io);
        Class<? extends ServerChannel> serverType =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends Channel> clientType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        echoServer = serve(serverType, new Echo());
        sinkServer = serve(serverType, new Sink());
        echoClient = connect(clientType, echoServer, new Replies());
        sinkClient = connect(clientType, sinkServer, new Writability());
        payload = new byte[size];
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        echoClient.close().sync();
        sinkClient.close().sync();
        echoServer.close().sync();
        sinkServer.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** One request-reply through the echo server. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int roundTrip() throws InterruptedException {
        return exchange();
    }

    /** Round trips per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int roundTripRate() throws InterruptedException {
        return exchange();
    }

    /** Messages per second into the sink server, one way. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void oneWay() throws InterruptedException {
        for (int i = 0; i < BATCH; i++) {
            if (!sinkClient.isWritable()) {
                awaitWritable();
            }
            sinkClient.writeAndFlush(frame(sinkClient), sinkClient.voidPromise());
        }
    }

    private int exchange() throws InterruptedException {
        echoClient.writeAndFlush(frame(echoClient), echoClient.voidPromise());
        ByteBuf reply = replies.poll(30, TimeUnit.SECONDS);
        if (reply == null) {
            throw new IllegalStateException("no echo within 30 s");
        }
        int length = reply.readableBytes();
        reply.release();
        if (length != 4 + size) {
            throw new IllegalStateException("echo damaged a message");
        }
        return length;
    }

    private ByteBuf frame(Channel ch) {
        ByteBuf b = ch.alloc().ioBuffer(4 + size);
        return b.writeInt(size).writeBytes(payload);
    }

    private void awaitWritable() throws InterruptedException {
        writability.lock();
        try {
            while (!sinkClient.isWritable()) {
                writable.await(30, TimeUnit.SECONDS);
            }
        } finally {
            writability.unlock();
        }
    }

    private Channel serve(Class<? extends ServerChannel> type, ChannelHandler handler) throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(type)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(16 << 20, 0, 4), handler);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    private Channel connect(Class<? extends Channel> type, Channel server, ChannelHandler handler)
            throws InterruptedException {
        return new Bootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(16 << 20, 0, 4), handler);
                    }
                })
                .connect(server.localAddress())
                .sync()
                .channel();
    }

    /** Sends every frame back as it came, on the I/O thread. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg, ctx.voidPromise());
        }
    }

    /** Counts and drops frames. */
    @ChannelHandler.Sharable
    private final class Sink extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            sunk.incrementAndGet();
            ((ByteBuf) msg).release();
        }
    }

    /** Hands each echoed frame to the benchmark thread. */
    private final class Replies extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!replies.offer((ByteBuf) msg)) {
                ((ByteBuf) msg).release();
                ctx.fireExceptionCaught(new IllegalStateException("more than 16 replies waiting"));
            }
        }
    }

    /** Wakes a sender waiting for writability. */
    private final class Writability extends ChannelInboundHandlerAdapter {
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writability.lock();
            try {
                writable.signalAll();
            } finally {
                writability.unlock();
            }
            ctx.fireChannelWritabilityChanged();
        }
    }
}
