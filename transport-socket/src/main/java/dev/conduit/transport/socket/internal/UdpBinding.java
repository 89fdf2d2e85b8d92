package dev.conduit.transport.socket.internal;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Property;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.transport.netty.NettyLoops;
import dev.conduit.transport.socket.SocketProperties;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * A listening udp socket: one channel per sender ({@link UdpListenerHandler}). A multicast address ({@code
 * udp://239.1.2.3:7000}) binds the port on all addresses and joins the group on {@code multicast.interface}.
 */
final class UdpBinding implements Binding {
    /** Every datagram fits: reads never truncate, whatever the sender sends. */
    static final int READ_BUFFER = 65_536;

    private final DatagramChannel socket;
    private final Endpoint endpoint;
    private final UdpMulticast multicast;

    private UdpBinding(DatagramChannel socket, Endpoint endpoint, UdpMulticast multicast) {
        this.socket = socket;
        this.endpoint = endpoint;
        this.multicast = multicast;
    }

    static UdpBinding bind(UdpConfig config, TransportContext runtime, LinkBinder binder) {
        if (config.multicast() && config.multicastInterface() == null) {
            throw new EndpointException("a multicast listener needs multicast.interface=<name> (for example lo or"
                    + " eth0) to join " + config.address().getAddress().getHostAddress() + " on: " + config.endpoint());
        }
        NettyLoops loops = NettyLoops.of(runtime, config.engine(), config.link().idle());
        UdpListenerHandler handler = new UdpListenerHandler(config, binder);
        Bootstrap b = new Bootstrap()
                .group(loops.group())
                .channelFactory(SocketChannels.datagram(loops.engine(), config.ipv6()))
                .option(ChannelOption.ALLOCATOR, runtime.allocator())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(READ_BUFFER))
                .option(ChannelOption.SO_RCVBUF, config.receiveBuffer())
                .option(ChannelOption.SO_REUSEADDR, config.multicast())
                .handler(handler);
        InetSocketAddress bindTo = config.multicast()
                ? new InetSocketAddress(wildcard(config), config.address().getPort())
                : config.address();
        ChannelFuture bound = b.bind(bindTo).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            bound.channel().close();
            throw new BindFailedException(
                    config.endpoint().toString(), Addresses.describeBindFailure(bindTo, bound.cause()), bound.cause());
        }
        DatagramChannel socket = (DatagramChannel) bound.channel();
        UdpMulticast multicast = new UdpMulticast(socket);
        int port = ((InetSocketAddress) socket.localAddress()).getPort();
        String host = config.endpoint().host();
        Endpoint reported = config.endpoint().withAddress((host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        handler.boundAs(reported);
        if (config.multicast()) {
            ChannelFuture joined = socket.joinGroup(
                            new InetSocketAddress(config.address().getAddress(), 0), config.multicastInterface())
                    .awaitUninterruptibly();
            if (!joined.isSuccess()) {
                socket.close().awaitUninterruptibly();
                throw new BindFailedException(
                        config.endpoint().toString(),
                        "cannot join multicast group " + host + " on "
                                + config.multicastInterface().getName() + ": " + joined.cause(),
                        joined.cause());
            }
            multicast.joined(config.address().getAddress(), config.multicastInterface());
        }
        return new UdpBinding(socket, reported, multicast);
    }

    private static InetAddress wildcard(UdpConfig config) {
        try {
            return InetAddress.getByName(config.ipv6() ? "::" : "0.0.0.0");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public <V> @Nullable V property(Property<V> key) {
        return key == SocketProperties.MULTICAST ? key.type().cast(multicast) : null;
    }

    @Override
    public void close() {
        ChannelFuture closing = socket.close();
        if (!socket.eventLoop().inEventLoop()) {
            closing.awaitUninterruptibly();
        }
    }

    @Override
    public String toString() {
        return "udp-binding(" + endpoint + ")";
    }
}
