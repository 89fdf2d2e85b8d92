package dev.conduit.ipc.unix.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.core.spi.netty.NettyEngine;
import dev.conduit.ipc.UnixOptions;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@code unix://} endpoint resolved: where the socket is, which engine serves it, and the listener's file mode and
 * uid filter.
 *
 * @param allowUids the uids a listener accepts, or null for everyone
 */
record UnixConfig(
        Endpoint endpoint,
        LinkConfig link,
        NettyEngine engine,
        SocketPath path,
        int mode,
        @Nullable Set<Integer> allowUids) {

    static UnixConfig of(Endpoint endpoint, LinkConfig link) {
        NettyEngine engine = endpoint.get(UnixOptions.IO).resolve();
        SocketPath path = SocketPath.of(endpoint, engine);
        if (path.isAbstract() && endpoint.find(UnixOptions.MODE).isPresent()) {
            throw new EndpointException("mode does not apply to " + endpoint
                    + ": abstract sockets have no file, so no permissions; restrict peers with allowUids");
        }
        return new UnixConfig(
                endpoint,
                link,
                engine,
                path,
                endpoint.get(UnixOptions.MODE),
                endpoint.find(UnixOptions.ALLOW_UIDS).orElse(null));
    }

    StreamFramer framer() {
        return StreamFramer.of(link.framing(), link.maxFrame());
    }
}
