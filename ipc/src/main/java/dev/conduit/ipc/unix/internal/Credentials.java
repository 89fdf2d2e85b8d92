package dev.conduit.ipc.unix.internal;

import dev.conduit.ipc.PeerCredentials;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
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
            return p == null
                    ? null
                    : new PeerCredentials(
                            id(p.user(), "/etc/passwd"), id(p.group(), "/etc/group"), OptionalLong.empty());
        }
        int[] gids = n.gids();
        return new PeerCredentials(
                n.uid(), gids.length > 0 ? gids[0] : -1, n.pid() > 0 ? OptionalLong.of(n.pid()) : OptionalLong.empty());
    }

    /**
     * The numeric id behind a JDK principal: the JDK names a user or group by its id when the system has no name for
     * it, and otherwise by the name in the account database, which is looked up here.
     */
    private static int id(java.security.Principal principal, String database) {
        String name = principal.getName();
        if (name.matches("\\d+")) {
            return Integer.parseInt(name);
        }
        if (!(principal instanceof UserPrincipal) && !(principal instanceof GroupPrincipal)) {
            return -1;
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(database));
            for (String line : lines) {
                String[] fields = line.split(":", -1);
                if (fields.length > 2 && fields[0].equals(name) && fields[2].matches("\\d+")) {
                    return Integer.parseInt(fields[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
