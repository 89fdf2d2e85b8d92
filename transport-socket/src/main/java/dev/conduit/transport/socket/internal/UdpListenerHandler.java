package dev.conduit.transport.socket.internal;

import dev.conduit.core.CloseReason;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.transport.socket.IdleTimeoutException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of a udp listener's socket: keeps one {@link UdpPeerLink} per sender address, created (and bound to the
 * runtime) on the sender's first datagram, and hands each datagram to its sender's link. The table is bounded by
 * {@code udp.maxPeers}; with {@code idleTimeout}, quiet senders are closed and forgotten.
 *
 * <p>Threading: everything here runs on the socket's event loop, so the table needs no lock.
 */
final class UdpListenerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UdpListenerHandler.class);

    private final UdpConfig config;
    private final LinkBinder binder;
    private final Map<InetSocketAddress, UdpPeerLink> peers = new HashMap<>();
    private @Nullable ChannelHandlerContext ctx;
    private @Nullable ScheduledFuture<?> sweeper;
    private volatile Endpoint local;
    private long refused;

    UdpListenerHandler(UdpConfig config, LinkBinder binder) {
        this.config = config;
        this.binder = binder;
        this.local = config.endpoint();
    }

    /** The endpoint peer links report as theirs: the bound address, without options. */
    void boundAs(Endpoint endpoint) {
        this.local = Endpoint.parse("udp://" + endpoint.address());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (!config.idleTimeout().isZero()) {
            long period = Math.max(1, config.idleTimeout().toNanos() / 4);
            sweeper = ctx.executor().scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            UdpPeerLink peer = peers.get(packet.sender());
            if (peer == null) {
                peer = admit(ctx, packet.sender());
            }
            if (peer != null) {
                peer.deliver(packet.content());
            }
        } finally {
            packet.release();
        }
    }

    private @Nullable UdpPeerLink admit(ChannelHandlerContext ctx, InetSocketAddress sender) {
        if (peers.size() >= config.maxPeers()) {
            if (refused++ % 1000 == 0) {
                log.warn(
                        "{}: {} senders already have a channel (udp.maxPeers={}); dropping datagrams from {}"
                                + " ({} dropped so far)",
                        local,
                        peers.size(),
                        config.maxPeers(),
                        sender,
                        refused);
            }
            return null;
        }
        UdpPeerLink peer = new UdpPeerLink(ctx.channel(), sender, local, config, this);
        peers.put(sender, peer);
        try {
            peer.bind(binder.bind(peer));
        } catch (RuntimeException e) {
            log.warn("{}: binding a channel for {} failed; dropping its datagram", local, sender, e);
            peers.remove(sender);
            return null;
        }
        return peer;
    }

    /** Closes one peer's link; from any thread. */
    void close(UdpPeerLink peer, CloseReason reason) {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            return;
        }
        if (c.executor().inEventLoop()) {
            if (peers.remove(peer.sender(), peer)) {
                peer.closed(reason);
            }
        } else {
            c.executor().execute(() -> close(peer, reason));
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        long limit = config.idleTimeout().toNanos();
        List<UdpPeerLink> idle = new ArrayList<>();
        for (UdpPeerLink p : peers.values()) {
            if (now - p.lastReceived >= limit) {
                idle.add(p);
            }
        }
        for (UdpPeerLink p : idle) {
            close(
                    p,
                    CloseReason.error(
                            new IdleTimeoutException(p.remoteEndpoint().toString(), config.idleTimeout())));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PortUnreachableException) {
            // An ICMP answer to an earlier reply: that sender is gone. UDP promises nothing, so it is not an error.
            log.debug("{}: a sender is unreachable: {}", local, cause.getMessage());
            return;
        }
        log.warn("{}: socket error: {}", local, cause.toString());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        List<UdpPeerLink> all = new ArrayList<>(peers.values());
        peers.clear();
        for (UdpPeerLink p : all) {
            p.closed(CloseReason.LOCAL);
        }
        ctx.fireChannelInactive();
    }
}
