package dev.conduit.ipc.unix.internal;

import dev.conduit.transport.netty.NettyEngine;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.kqueue.KQueueServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;

/** The Netty domain socket classes of each engine. The engine given is resolved (never {@code AUTO}). */
final class UnixChannels {
    private UnixChannels() {}

    static ChannelFactory<? extends Channel> stream(NettyEngine engine) {
        return switch (engine) {
            case EPOLL -> EpollDomainSocketChannel::new;
            case IO_URING -> IoUringDomainSocketChannel::new;
            case KQUEUE -> KQueueDomainSocketChannel::new;
            case NIO, AUTO -> NioDomainSocketChannel::new;
        };
    }

    static ChannelFactory<? extends ServerChannel> server(NettyEngine engine) {
        return switch (engine) {
            case EPOLL -> EpollServerDomainSocketChannel::new;
            case IO_URING -> IoUringServerDomainSocketChannel::new;
            case KQUEUE -> KQueueServerDomainSocketChannel::new;
            case NIO, AUTO -> NioServerDomainSocketChannel::new;
        };
    }
}
