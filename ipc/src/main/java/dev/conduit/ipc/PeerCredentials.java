package dev.conduit.ipc;

import dev.conduit.core.Property;
import java.util.OptionalLong;

/**
 * Who is at the other end of a Unix domain socket, as the kernel reports it ({@code SO_PEERCRED} on Linux): the
 * peer's user and group id when it connected, and its process id where the OS provides it. Read it from a channel
 * with {@code channel.property(PeerCredentials.KEY)}, on either side of a {@code unix://} connection.
 *
 * <p>With the native engines (epoll, io_uring, kqueue) all three come from the kernel. With {@code io=nio} the JDK
 * reports user and group names, which are mapped back to ids (numeric names directly, others through {@code
 * /etc/passwd} and {@code /etc/group}); the pid is not available there, and an id that cannot be mapped is -1.
 *
 * @param uid the peer's user id, or -1 if it could not be determined
 * @param gid the peer's primary group id, or -1 if it could not be determined
 * @param pid the peer's process id, if the OS provides it
 */
public record PeerCredentials(int uid, int gid, OptionalLong pid) {

    /** The channel property under which {@code unix://} channels publish their peer's credentials. */
    public static final Property<PeerCredentials> KEY = Property.of("unix.peerCredentials", PeerCredentials.class);

    @Override
    public String toString() {
        return "uid=" + uid + " gid=" + gid + (pid.isPresent() ? " pid=" + pid.getAsLong() : "");
    }
}
