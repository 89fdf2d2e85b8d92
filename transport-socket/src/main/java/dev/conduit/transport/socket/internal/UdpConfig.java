package dev.conduit.transport.socket.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.FramingException;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.WriteCallback;
import dev.conduit.transport.netty.NettyEngine;
import dev.conduit.transport.socket.UdpOptions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Everything a udp endpoint asks for, read once from its URI.
 *
 * @param endpoint the endpoint as given
 * @param link the common options, resolved by the runtime
 * @param address the endpoint's address, resolved
 * @param engine the requested I/O engine
 * @param multicastInterface the interface for multicast, or null for the system's choice
 * @param ttl multicast hops
 * @param loop whether our own multicast comes back to this host
 * @param maxPeers senders a listener keeps channels for
 * @param receiveBuffer SO_RCVBUF
 * @param idleTimeout closes quiet channels; zero for never
 */
record UdpConfig(
        Endpoint endpoint,
        LinkConfig link,
        InetSocketAddress address,
        NettyEngine engine,
        @Nullable NetworkInterface multicastInterface,
        int ttl,
        boolean loop,
        int maxPeers,
        int receiveBuffer,
        Duration idleTimeout) {

    /** The largest UDP payload: 65535 minus the UDP header and, over IPv4, the IP header. */
    static final int MAX_IPV4_PAYLOAD = 65_507;

    static final int MAX_IPV6_PAYLOAD = 65_527;

    static UdpConfig of(Endpoint endpoint, LinkConfig link) {
        return new UdpConfig(
                endpoint,
                link,
                Addresses.resolve(endpoint),
                NettyEngine.of(endpoint.get(UdpOptions.IO)),
                endpoint.find(UdpOptions.MULTICAST_INTERFACE)
                        .map(name -> networkInterface(name))
                        .orElse(null),
                endpoint.get(UdpOptions.MULTICAST_TTL),
                endpoint.get(UdpOptions.MULTICAST_LOOP),
                endpoint.get(UdpOptions.MAX_PEERS),
                endpoint.get(UdpOptions.SOCKET_RECEIVE_BUFFER),
                endpoint.get(UdpOptions.IDLE_TIMEOUT));
    }

    boolean ipv6() {
        return address.getAddress() instanceof Inet6Address;
    }

    boolean multicast() {
        return address.getAddress().isMulticastAddress();
    }

    /** The largest datagram payload for this endpoint's address family. */
    int maxPayload() {
        return ipv6() ? MAX_IPV6_PAYLOAD : MAX_IPV4_PAYLOAD;
    }

    /**
     * Sends {@code frame} as one datagram to {@code to} over {@code socket}, or refuses it ({@link #refuse}); either way
     * the frame is released and {@code callback} told exactly once, on whichever thread completes the write.
     */
    void send(Channel socket, ByteBuf frame, InetSocketAddress to, WriteCallback callback) {
        FramingException refused = refuse(frame.readableBytes());
        if (refused != null) {
            frame.release();
            callback.writeComplete(refused);
            return;
        }
        // The listener is on the promise before the write starts, and the promise notifies on the thread that
        // completes it: a listener added after the event loop completed the write would be notified by a task on
        // that loop, which the runtime may already have shut down (a handler thread replying while the runtime
        // closes). The callback would then never run, and the frame reference the runtime keeps would leak.
        ChannelPromise written = new DefaultChannelPromise(socket, ImmediateEventExecutor.INSTANCE);
        written.addListener(f -> callback.writeComplete(f.isSuccess() ? null : f.cause()));
        socket.writeAndFlush(new DatagramPacket(frame, to), written);
    }

    /**
     * Why a message of {@code size} bytes cannot be one datagram, or null if it can: larger than a datagram carries,
     * or empty (Netty's datagram channels silently skip zero-length writes, so refusing is the honest answer).
     */
    @Nullable
    FramingException refuse(int size) {
        if (size > maxPayload()) {
            return new FrameTooLargeException(
                    size, maxPayload(), "datagram", "the largest UDP payload over " + (ipv6() ? "IPv6" : "IPv4"));
        }
        if (size == 0) {
            return new FramingException("udp cannot send an empty message: Netty's datagram channels drop"
                    + " zero-length datagrams; send at least one byte");
        }
        return null;
    }

    /**
     * The interface named {@code name}.
     *
     * @throws IllegalArgumentException naming the interfaces that exist
     */
    static NetworkInterface networkInterface(String name) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(name);
            if (ni != null) {
                return ni;
            }
            String names = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .map(NetworkInterface::getName)
                    .sorted()
                    .collect(Collectors.joining(", "));
            throw new EndpointException("no network interface is named '" + name + "'; this host has: " + names);
        } catch (SocketException e) {
            throw new EndpointException("cannot list network interfaces to find '" + name + "': " + e.getMessage());
        }
    }
}
