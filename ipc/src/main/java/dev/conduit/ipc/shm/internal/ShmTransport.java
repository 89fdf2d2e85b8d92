package dev.conduit.ipc.shm.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import dev.conduit.core.Option;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.Transport;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.ipc.AllowedUids;
import dev.conduit.ipc.internal.Uids;
import dev.conduit.ipc.shm.ShmOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * {@code shm://name}: a listener's control socket is {@code <dir>/conduit-shm-<name>.sock}; each connection maps a
 * segment of two rings. Listening on {@code shm://*} picks a fresh name, like port 0 for TCP.
 *
 * <p>Per runtime, one {@link ShmPoller} thread per idle strategy serves every link; found through {@link
 * TransportContext#resource}, so it ends with the runtime.
 */
public final class ShmTransport implements Transport {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    @Override
    public Set<String> schemes() {
        return Set.of("shm");
    }

    @Override
    public List<Option<?>> options(String scheme) {
        return ShmOptions.ALL;
    }

    @Override
    public List<Framing> framings(String scheme) {
        return List.of(Framing.NONE);
    }

    @Override
    public List<Idle> idles(String scheme) {
        return List.of(Idle.BACKOFF, Idle.SPIN, Idle.BLOCK);
    }

    @Override
    public void checkConnect(Endpoint endpoint, LinkConfig config) {
        Settings.of(endpoint, false);
    }

    @Override
    public CompletableFuture<Void> connect(
            Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        Settings settings = Settings.of(endpoint, false);
        CompletableFuture<Void> result = new CompletableFuture<>();
        ShmConnector connector = new ShmConnector(this, endpoint, settings, config, context, binder, result);
        context.threadFactory("shm-connect").newThread(connector::run).start();
        return result;
    }

    @Override
    public Binding listen(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        return ShmBinding.bind(this, endpoint, Settings.of(endpoint, true), config, context, binder);
    }

    /** The runtime's poller for {@code idle}, started on first use. */
    ShmPoller poller(TransportContext context, Idle idle) {
        String purpose = "shm-" + idle.uriName();
        return context.resource(purpose, () -> new ShmPoller(idle, context.threadFactory(purpose)));
    }

    /**
     * An endpoint's shm settings, validated.
     *
     * @param allowUids the uids accepted at the other end: the endpoint's {@code allowUids}, else this process's own
     */
    record Settings(String name, Path directory, int ringSize, Duration helloTimeout, AllowedUids allowUids) {
        static Settings of(Endpoint endpoint, boolean listening) {
            String name = endpoint.address();
            if (!(NAME.matcher(name).matches() || (listening && name.equals("*")))) {
                throw new EndpointException(endpoint + " needs a name of letters, digits, '.', '_' or '-', for example"
                        + " shm://orders" + (listening ? " (or shm://* for a fresh one)" : ""));
            }
            int ring = endpoint.get(ShmOptions.RING_SIZE);
            if (!RingDescriptor.validCapacity(ring)) {
                throw new EndpointException("option ringSize=" + ring + " in " + endpoint
                        + " is not valid: expected a power of two from 4k to 512m");
            }
            Path dir = endpoint.find(ShmOptions.DIRECTORY).map(Path::of).orElseGet(ShmFiles::defaultDirectory);
            return new Settings(
                    name,
                    dir.toAbsolutePath().normalize(),
                    ring,
                    endpoint.get(ShmOptions.HELLO_TIMEOUT),
                    endpoint.find(ShmOptions.ALLOW_UIDS).orElseGet(() -> AllowedUids.of(Uids.own())));
        }

        Settings named(String newName) {
            return new Settings(newName, directory, ringSize, helloTimeout, allowUids);
        }

        Path socket() {
            return ShmFiles.socketPath(directory, name);
        }
    }
}
