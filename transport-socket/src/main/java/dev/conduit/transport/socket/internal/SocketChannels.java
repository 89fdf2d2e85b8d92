package dev.conduit.transport.socket.internal;

import dev.conduit.transport.netty.NettyEngine;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.kqueue.KQueueDatagramChannel;
import io.netty.channel.kqueue.KQueueServerSocketChannel;
import io.netty.channel.kqueue.KQueueSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/** The Netty channel classes of each I/O engine. The engine given is already resolved (never {@code AUTO}). */
final class SocketChannels {
    private SocketChannels() {}

    static ChannelFactory<? extends SocketChannel> stream(NettyEngine engine) {
        return switch (engine) {
            case EPOLL -> EpollSocketChannel::new;
            case IO_URING -> IoUringSocketChannel::new;
            case KQUEUE -> KQueueSocketChannel::new;
            case NIO, AUTO -> NioSocketChannel::new;
        };
    }

    static ChannelFactory<? extends ServerChannel> server(NettyEngine engine) {
        return switch (engine) {
            case EPOLL -> EpollServerSocketChannel::new;
            case IO_URING -> IoUringServerSocketChannel::new;
            case KQUEUE -> KQueueServerSocketChannel::new;
            case NIO, AUTO -> NioServerSocketChannel::new;
        };
    }

    /** A datagram channel for IPv4 or IPv6; NIO needs the family up front to join IPv4 groups. */
    static ChannelFactory<? extends DatagramChannel> datagram(NettyEngine engine, boolean ipv6) {
        SocketProtocolFamily family = ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        return switch (engine) {
            case EPOLL -> () -> new EpollDatagramChannel(family);
            case IO_URING -> () -> new IoUringDatagramChannel(family);
            case KQUEUE -> () -> new KQueueDatagramChannel(family);
            case NIO, AUTO -> () -> new NioDatagramChannel(family);
        };
    }
}
