package dev.conduit.transport.socket.internal;

import dev.conduit.core.ConduitException;
import dev.conduit.transport.socket.Multicast;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The multicast memberships of a udp listener's socket. */
final class UdpMulticast implements Multicast {
    private final DatagramChannel socket;
    private final Set<String> groups = ConcurrentHashMap.newKeySet();

    UdpMulticast(DatagramChannel socket) {
        this.socket = socket;
    }

    @Override
    public void join(String group, String interfaceName) {
        InetAddress address = group(group);
        NetworkInterface ni = networkInterface(interfaceName);
        await(socket.joinGroup(new InetSocketAddress(address, 0), ni), "join", group, interfaceName);
        groups.add(key(address, ni));
    }

    @Override
    public void leave(String group, String interfaceName) {
        InetAddress address = group(group);
        NetworkInterface ni = networkInterface(interfaceName);
        if (!groups.contains(key(address, ni))) {
            throw new IllegalArgumentException(
                    "not a member of " + group + " on " + interfaceName + "; memberships: " + groups());
        }
        await(socket.leaveGroup(new InetSocketAddress(address, 0), ni), "leave", group, interfaceName);
        groups.remove(key(address, ni));
    }

    @Override
    public List<String> groups() {
        List<String> list = new ArrayList<>(groups);
        list.sort(null);
        return list;
    }

    /** Records a membership made when the listener bound. */
    void joined(InetAddress group, NetworkInterface ni) {
        groups.add(key(group, ni));
    }

    private static String key(InetAddress group, NetworkInterface ni) {
        return group.getHostAddress() + "%" + ni.getName();
    }

    private static InetAddress group(String group) {
        InetAddress address;
        try {
            address = InetAddress.getByName(group);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + group, e);
        }
        if (!address.isMulticastAddress()) {
            throw new IllegalArgumentException(group + " is not a multicast address (224.0.0.0/4 or ff00::/8)");
        }
        return address;
    }

    private static NetworkInterface networkInterface(String name) {
        try {
            return UdpConfig.networkInterface(name);
        } catch (ConduitException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void await(ChannelFuture f, String what, String group, String interfaceName) {
        if (socket.eventLoop().inEventLoop()) {
            throw new IllegalStateException("multicast " + what + " blocks; call it off the I/O thread");
        }
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new ConduitException(
                    "cannot " + what + " multicast group " + group + " on " + interfaceName + ": " + f.cause(),
                    f.cause());
        }
    }
}
