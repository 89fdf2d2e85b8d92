package dev.conduit.transport.socket;

import dev.conduit.core.Option;
import dev.conduit.transport.netty.IoEngine;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code udp://} endpoints beyond {@link dev.conduit.core.ChannelOptions}.
 *
 * <pre>{@code
 * listen:  udp://239.1.2.3:7000?multicast.interface=eth0     (joins the group on eth0)
 * connect: udp://239.1.2.3:7000?multicast.interface=eth0&multicast.ttl=4
 * }</pre>
 *
 * <p>Constants only; thread-safe.
 */
public final class UdpOptions {
    private UdpOptions() {}

    /** The I/O engine ({@link IoEngine}), as for tcp. */
    public static final Option<IoEngine> IO = IoEngine.OPTION;

    /**
     * The network interface, by name ({@code eth0}, {@code lo}), on which a multicast listener joins its group and
     * through which multicast is sent. Default: the operating system's choice.
     */
    public static final Option<String> MULTICAST_INTERFACE =
            Option.string("multicast.interface", null, "interface name for multicast (default: the OS's choice)");

    /** Hops a multicast datagram may take: {@code 0} keeps it on this host. Default 1 (the local network). */
    public static final Option<Integer> MULTICAST_TTL =
            Option.integer("multicast.ttl", 1, 0, 255, "hops a multicast datagram may take (default 1)");

    /** Whether multicast sent from this host is also delivered to this host's members. Default {@code true}. */
    public static final Option<Boolean> MULTICAST_LOOP =
            Option.bool("multicast.loop", true, "deliver our own multicast to members on this host (default true)");

    /**
     * The most senders a listener keeps a channel for at once; datagrams from further senders are dropped, with a
     * warning, until a channel closes. Default 1024.
     */
    public static final Option<Integer> MAX_PEERS =
            Option.integer("udp.maxPeers", 1024, 1, 1 << 20, "most senders a listener keeps channels for");

    /** The socket's receive buffer ({@code SO_RCVBUF}), capped by the kernel. Default 1 MiB. */
    public static final Option<Integer> SOCKET_RECEIVE_BUFFER = Option.size(
            "udp.socketReceiveBuffer", 1 << 20, 1024, Integer.MAX_VALUE, "SO_RCVBUF of the socket (default 1m)");

    /**
     * Closes a sender's channel (or a client channel) after this long without a datagram, with an {@link
     * IdleTimeoutException}, freeing its slot among {@link #MAX_PEERS}. {@code 0} (the default) never closes.
     */
    public static final Option<Duration> IDLE_TIMEOUT = TcpOptions.IDLE_TIMEOUT;

    /** The options of this class, for listings. */
    public static final List<Option<?>> ALL = List.of(
            IO, MULTICAST_INTERFACE, MULTICAST_TTL, MULTICAST_LOOP, MAX_PEERS, SOCKET_RECEIVE_BUFFER, IDLE_TIMEOUT);
}
