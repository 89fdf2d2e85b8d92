package dev.conduit.transport.socket.internal;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.core.spi.WriteCallback;
import dev.conduit.transport.netty.NettyLoops;
import dev.conduit.transport.socket.IdleTimeoutException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A udp client channel's link: its own socket, sending every message as one datagram to the endpoint. For a unicast
 * endpoint the socket is connected, so only the endpoint's datagrams arrive; for a multicast group it is not (replies
 * come from each member), and datagrams from any sender arrive on it.
 *
 * <p>Threading: inbound runs on the socket's event loop; {@link #write} and the rest may be called from any thread.
 */
final class UdpClientLink extends ChannelInboundHandlerAdapter implements Link {
    private static final Logger log = LoggerFactory.getLogger(UdpClientLink.class);

    private final UdpConfig config;
    private final LinkBinder binder;
    private final InetSocketAddress target;
    private final Endpoint remote;
    private final CompletableFuture<Void> active = new CompletableFuture<>();
    private volatile @Nullable Channel channel;
    private volatile Endpoint local;
    private volatile boolean localClose;
    private @Nullable LinkListener listener;
    private @Nullable Throwable error;

    private UdpClientLink(UdpConfig config, LinkBinder binder) {
        this.config = config;
        this.binder = binder;
        this.target = config.address();
        this.remote = Endpoint.parse("udp://" + Addresses.hostPort(target));
        this.local = remote;
    }

    /** Opens the socket; the future completes once the link is bound to the runtime. */
    static CompletableFuture<Void> connect(UdpConfig config, TransportContext runtime, LinkBinder binder) {
        UdpClientLink link = new UdpClientLink(config, binder);
        NettyLoops loops = NettyLoops.of(runtime, config.engine(), config.link().idle());
        Bootstrap b = new Bootstrap()
                .group(loops.group())
                .channelFactory(SocketChannels.datagram(loops.engine(), config.ipv6()))
                .option(ChannelOption.ALLOCATOR, runtime.allocator())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UdpBinding.READ_BUFFER))
                .option(ChannelOption.SO_RCVBUF, config.receiveBuffer())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (!config.idleTimeout().isZero()) {
                            ch.pipeline().addLast(new IdleTimeoutHandler(config.idleTimeout()));
                        }
                        ch.pipeline().addLast(link);
                    }
                });
        ChannelFuture opened;
        if (config.multicast()) {
            if (config.multicastInterface() != null) {
                b.option(ChannelOption.IP_MULTICAST_IF, config.multicastInterface());
            }
            b.option(ChannelOption.IP_MULTICAST_TTL, config.ttl());
            b.option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, !config.loop());
            opened = b.bind(0);
        } else {
            opened = b.connect(config.address());
        }
        opened.addListener(f -> {
            if (!f.isSuccess()) {
                link.active.completeExceptionally(new ConnectFailedException(
                        config.endpoint().toString(), "cannot open a udp socket: " + f.cause(), f.cause()));
            }
        });
        link.active.whenComplete((v, e) -> {
            if (e != null) {
                opened.channel().close();
            }
        });
        return link.active;
    }

    // ---------------------------------------------------------------- Netty side (event loop)

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        local = Addresses.endpoint("udp", ctx.channel().localAddress());
        try {
            listener = binder.bind(this);
        } catch (RuntimeException e) {
            error = e;
            ctx.close();
            active.completeExceptionally(e);
            return;
        }
        active.complete(null);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            LinkListener l = listener;
            if (l != null && !localClose) {
                l.onFrame(packet.content().nioBuffer());
            }
        } finally {
            packet.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PortUnreachableException) {
            // ICMP port unreachable: nothing listens there (yet). UDP promises nothing; the channel stays usable.
            log.debug("{}: {} is unreachable: {}", local, remote, cause.getMessage());
            return;
        }
        if (error == null) {
            error = cause;
        }
        if (!(cause instanceof IdleTimeoutException)) {
            log.warn("{}: socket error: {}", local, cause.toString());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        LinkListener l = listener;
        listener = null;
        if (l != null) {
            l.onClosed(localClose ? CloseReason.LOCAL : error != null ? CloseReason.error(error) : CloseReason.LOCAL);
        }
        ctx.fireChannelInactive();
    }

    // ---------------------------------------------------------------- Link side (any thread)

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return remote;
    }

    @Override
    public void write(ByteBuf frame, WriteCallback callback) {
        Channel ch = channel;
        if (ch == null || localClose) {
            frame.release();
            callback.writeComplete(new ChannelClosedException(CloseReason.LOCAL));
            return;
        }
        config.send(ch, frame, target, callback);
    }

    @Override
    public void setReadPaused(boolean paused) {
        Channel ch = channel;
        if (ch != null) {
            ch.config().setAutoRead(!paused);
        }
    }

    @Override
    public void close() {
        localClose = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public String toString() {
        return "udp(" + local + " -> " + remote + ")";
    }
}
