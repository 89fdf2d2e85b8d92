package dev.conduit.ipc.unix.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.Property;
import dev.conduit.ipc.PeerCredentials;
import dev.conduit.transport.netty.NettyLink;
import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

/**
 * How a unix link names its ends and what it knows: the socket's endpoint on one side, the peer process on the other
 * (a connecting socket has no name of its own), and {@link PeerCredentials#KEY}.
 */
final class UnixLinkFacts implements NettyLink.Naming, NettyLink.Properties {
    private final Endpoint socket;
    private final boolean accepted;

    /** Facts for a link to or from {@code socket}; {@code accepted} for the listener's side. */
    UnixLinkFacts(Endpoint socket, boolean accepted) {
        this.socket = socket;
        this.accepted = accepted;
    }

    @Override
    public Endpoint local(Channel channel) {
        return accepted
                ? socket
                : Endpoint.parse("unix:pid:" + ProcessHandle.current().pid());
    }

    @Override
    public Endpoint remote(Channel channel) {
        return accepted ? peerName(channel) : socket;
    }

    /** A connecting socket has no name: it is named after its process where the kernel says which. */
    private static Endpoint peerName(Channel channel) {
        PeerCredentials c = Credentials.of(channel);
        return Endpoint.parse(
                "unix:" + (c != null && c.pid().isPresent() ? "pid:" + c.pid().getAsLong() : "peer"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> @Nullable V get(Property<V> key, Channel channel) {
        if (key == PeerCredentials.KEY) {
            return (V) Credentials.of(channel);
        }
        return null;
    }
}
