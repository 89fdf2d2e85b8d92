package dev.conduit.ipc.unix.internal;

import dev.conduit.ipc.PeerCredentials;
import dev.conduit.ipc.internal.Uids;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.OptionalLong;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.jspecify.annotations.Nullable;

/**
 * Reads a connected domain socket's peer credentials from the kernel, once per channel. Native engines ask with
 * {@code SO_PEERCRED}/{@code getpeereid}; NIO gets user and group principals from the JDK, mapped back to ids.
 */
final class Credentials {
    private static final AttributeKey<PeerCredentials> CACHED = AttributeKey.valueOf("conduit.unix.peerCredentials");

    private Credentials() {}

    /** The peer's credentials, or null if the engine cannot tell. */
    static @Nullable PeerCredentials of(Channel channel) {
        PeerCredentials cached = channel.attr(CACHED).get();
        if (cached != null) {
            return cached;
        }
        PeerCredentials read;
        try {
            read = read(channel);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (read != null) {
            channel.attr(CACHED).setIfAbsent(read);
        }
        return read;
    }

    private static @Nullable PeerCredentials read(Channel channel) throws IOException {
        io.netty.channel.unix.PeerCredentials n;
        if (channel instanceof EpollDomainSocketChannel epoll) {
            n = epoll.peerCredentials();
        } else if (channel instanceof IoUringDomainSocketChannel uring) {
            n = uring.peerCredentials();
        } else if (channel instanceof KQueueDomainSocketChannel kqueue) {
            n = kqueue.peerCredentials();
        } else {
            UnixDomainPrincipal p = channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED));
            return p == null ? null : new PeerCredentials(Uids.of(p.user()), Uids.of(p.group()), OptionalLong.empty());
        }
        int[] gids = n.gids();
        return new PeerCredentials(
                n.uid(), gids.length > 0 ? gids[0] : -1, n.pid() > 0 ? OptionalLong.of(n.pid()) : OptionalLong.empty());
    }
}
