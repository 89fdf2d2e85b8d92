package dev.conduit.ipc.unix.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.ipc.AllowedUids;
import dev.conduit.ipc.UnixOptions;
import dev.conduit.ipc.internal.Uids;
import dev.conduit.transport.netty.NettyEngine;
import org.jspecify.annotations.Nullable;

/**
 * A {@code unix://} endpoint resolved: where the socket is, which engine serves it, and the listener's file mode and
 * uid filter.
 *
 * @param allowUids the uids a listener accepts, or null for everyone: the {@code allowUids} option, else everyone on
 *     a socket file (its mode decides) and only this process's uid on an abstract name, which has no file and so no
 *     mode
 */
record UnixConfig(
        Endpoint endpoint,
        LinkConfig link,
        NettyEngine engine,
        SocketPath path,
        int mode,
        @Nullable AllowedUids allowUids) {

    static UnixConfig of(Endpoint endpoint, LinkConfig link) {
        NettyEngine engine = NettyEngine.of(endpoint.get(UnixOptions.IO)).resolve();
        SocketPath path = SocketPath.of(endpoint, engine);
        if (path.isAbstract() && endpoint.find(UnixOptions.MODE).isPresent()) {
            throw new EndpointException("mode does not apply to " + endpoint
                    + ": abstract sockets have no file, so no permissions; restrict peers with allowUids");
        }
        return new UnixConfig(endpoint, link, engine, path, endpoint.get(UnixOptions.MODE), allowUids(endpoint, path));
    }

    private static @Nullable AllowedUids allowUids(Endpoint endpoint, SocketPath path) {
        AllowedUids allowed = endpoint.find(UnixOptions.ALLOW_UIDS)
                .orElse(path.isAbstract() ? AllowedUids.of(Uids.own()) : AllowedUids.ANY);
        return allowed.isAny() ? null : allowed;
    }

    /** Whether the uid filter is the abstract socket's default rather than the endpoint's {@code allowUids}. */
    boolean defaultUidFilter() {
        return endpoint.find(UnixOptions.ALLOW_UIDS).isEmpty();
    }

    StreamFramer framer() {
        return StreamFramer.of(link.framing(), link.maxFrame());
    }
}
