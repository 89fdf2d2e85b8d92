package dev.conduit.transport.socket;

import java.util.List;

/**
 * Multicast group membership of a {@code udp://} listener, found with {@code
 * listener.property(SocketProperties.MULTICAST)}. A listener whose address is a group ({@code udp://239.1.2.3:7000})
 * joins it when it binds; this handle joins and leaves further groups on named interfaces while it runs.
 *
 * <p>Thread-safe. The methods block until the kernel has taken the change (they do not wait on the network). Closing
 * the listener leaves every group.
 */
public interface Multicast {

    /**
     * Joins {@code group} (an IPv4 or IPv6 multicast address) on the interface named {@code interfaceName}.
     *
     * @throws dev.conduit.core.ConduitException naming the group and interface if the kernel refuses
     * @throws IllegalArgumentException if {@code group} is not a multicast address or no interface has that name
     */
    void join(String group, String interfaceName);

    /**
     * Leaves {@code group} on the interface named {@code interfaceName}; datagrams to the group stop arriving.
     *
     * @throws IllegalArgumentException if the listener is not a member of that group on that interface
     */
    void leave(String group, String interfaceName);

    /** The memberships, as {@code group%interface}, for example {@code 239.1.2.3%lo}. */
    List<String> groups();
}
