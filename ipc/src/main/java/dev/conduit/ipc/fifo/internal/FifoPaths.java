package dev.conduit.ipc.fifo.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import java.nio.file.Path;

/**
 * The files of {@code fifo:///base}: {@code base.c2s} carries client-to-server bytes, {@code base.s2c}
 * server-to-client, and {@code base.lock} holds the locks of {@link FifoHandshake}.
 */
record FifoPaths(Path base, Path c2s, Path s2c, Path lock) {

    static FifoPaths of(Endpoint endpoint) {
        String address = endpoint.address();
        if (!address.startsWith("/") || address.endsWith("/")) {
            throw new EndpointException(endpoint + " needs an absolute file path, for example fifo:///run/app/requests"
                    + " (got '" + address + "')");
        }
        Path base = Path.of(address);
        return new FifoPaths(base, Path.of(address + ".c2s"), Path.of(address + ".s2c"), Path.of(address + ".lock"));
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
