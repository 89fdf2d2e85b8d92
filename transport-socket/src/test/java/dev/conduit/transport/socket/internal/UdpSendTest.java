package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import dev.conduit.core.spi.LinkConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link UdpConfig#send} tells its callback exactly once even when the socket's event loop shuts down around the
 * write: the runtime keeps a reference to every frame it sends and gives it back only in that callback, so a lost
 * callback is a leaked buffer (seen as a Netty leak report after a udp listener replied while its runtime closed).
 */
class UdpSendTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final UdpConfig config = UdpConfig.of(
            Endpoint.parse("udp://127.0.0.1:0"), new LinkConfig(Framing.NONE, 65_536, Idle.BLOCK, TIMEOUT));
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger callbacks = new AtomicInteger();
    private final List<@Nullable Throwable> errors = new CopyOnWriteArrayList<>();
    private DatagramSocket receiver;
    private Channel socket;
    private ByteBuf frame;

    @BeforeEach
    void socket() throws Exception {
        receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        receiver.setSoTimeout((int) TIMEOUT.toMillis());
        socket = new io.netty.bootstrap.Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .syncUninterruptibly()
                .channel();
        frame = Unpooled.directBuffer(16).writeBytes("reply".getBytes(StandardCharsets.US_ASCII));
    }

    @AfterEach
    void close() {
        if (frame.refCnt() > 0) {
            frame.release(frame.refCnt()); // a failed test must not also report this buffer as a leak
        }
        receiver.close();
        socket.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT.toMillis());
    }

    @Test
    void aWriteTheLoopCompletesBeforeSendReturnsIsReportedEvenIfTheLoopThenShutsDown() throws Exception {
        // Holds the sending thread inside writeAndFlush until the loop has written the datagram and terminated:
        // what a handler thread preempted there sees when the runtime closes meanwhile.
        socket.pipeline().addLast(ImmediateEventExecutor.INSTANCE, new ChannelOutboundHandlerAdapter() {
            private final CountDownLatch written = new CountDownLatch(1);

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                promise.addListener(f -> written.countDown());
                ctx.write(msg, promise);
            }

            @Override
            public void flush(ChannelHandlerContext ctx) throws Exception {
                ctx.flush();
                assertThat(written.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                        .as("the loop wrote the datagram")
                        .isTrue();
                assertThat(group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT.toMillis()))
                        .as("the loop terminated")
                        .isTrue();
            }
        });

        sendKeepingAReference();

        java.net.DatagramPacket got = new java.net.DatagramPacket(new byte[64], 64);
        receiver.receive(got);
        assertThat(new String(got.getData(), 0, got.getLength(), StandardCharsets.US_ASCII))
                .isEqualTo("reply");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(callbacks).hasValue(1));
        assertThat(errors).containsExactly((Throwable) null);
        assertThat(frame.refCnt()).as("the sender's reference was given back").isZero();
    }

    @Test
    void aWriteOnASocketWhoseLoopHasShutDownFailsItsCallback() {
        assertThat(group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT.toMillis()))
                .isTrue();

        sendKeepingAReference();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(callbacks).hasValue(1));
        assertThat(errors).singleElement().isInstanceOf(RejectedExecutionException.class);
        assertThat(frame.refCnt())
                .as("the frame and the sender's reference are both released")
                .isZero();
    }

    /** Sends {@link #frame} as the runtime does: holding a reference of its own, released in the callback. */
    private void sendKeepingAReference() {
        frame.retain();
        config.send(socket, frame, (InetSocketAddress) receiver.getLocalSocketAddress(), error -> {
            errors.add(error);
            callbacks.incrementAndGet();
            frame.release();
        });
    }
}
