package dev.conduit.ipc.shm.internal;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.ipc.internal.Uids;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening {@code shm://name}: an owner-only Unix socket and an {@link ShmAcceptor} that runs the clients'
 * handshakes side by side, each bounded by {@code helloTimeout}. A client whose uid is not accepted ({@code
 * allowUids}, default this process's own) or whose hello is bad is answered with a refusal that says why, and never
 * affects other clients. A socket file left by a dead listener is replaced; a live one is an error that names its
 * owner when that is another user.
 */
final class ShmBinding implements Binding, ShmAcceptor.Handler {
    private static final Logger log = LoggerFactory.getLogger(ShmBinding.class);
    private static final AtomicLong ANONYMOUS = new AtomicLong();

    private final ShmTransport transport;
    private final Endpoint bound;
    private final ShmTransport.Settings settings;
    private final LinkConfig config;
    private final TransportContext context;
    private final LinkBinder binder;
    private final ServerSocketChannel server;
    private final ShmAcceptor acceptor;
    private volatile boolean open = true;

    private ShmBinding(
            ShmTransport transport,
            Endpoint bound,
            ShmTransport.Settings settings,
            LinkConfig config,
            TransportContext context,
            LinkBinder binder,
            ServerSocketChannel server)
            throws IOException {
        this.transport = transport;
        this.bound = bound;
        this.settings = settings;
        this.config = config;
        this.context = context;
        this.binder = binder;
        this.server = server;
        this.acceptor = new ShmAcceptor(
                "shm listener " + bound, server, settings.helloTimeout(), context.threadFactory("shm-accept"), this);
    }

    static ShmBinding bind(
            ShmTransport transport,
            Endpoint endpoint,
            ShmTransport.Settings requested,
            LinkConfig config,
            TransportContext context,
            LinkBinder binder) {
        ShmTransport.Settings settings = requested.name().equals("*")
                ? requested.named("anon-" + ProcessHandle.current().pid() + "-" + ANONYMOUS.incrementAndGet())
                : requested;
        Path socket = settings.socket();
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > ShmFiles.MAX_SOCKET_PATH) {
            throw new BindFailedException(
                    endpoint.toString(), "the control socket path " + socket + " is too long for a Unix socket", null);
        }
        ShmFiles.sweepStaleSegments(settings.directory());
        ServerSocketChannel server = null;
        try {
            replaceStale(endpoint, socket);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            try {
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the directory's permissions are all there is
            }
            ShmBinding binding = new ShmBinding(
                    transport, endpoint.withAddress(settings.name()), settings, config, context, binder, server);
            binding.acceptor.start();
            return binding;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                try {
                    server.close();
                    Files.deleteIfExists(socket);
                } catch (IOException ignored) {
                    // reported below
                }
            }
            if (e instanceof BindFailedException bfe) {
                throw bfe;
            }
            throw new BindFailedException(endpoint.toString(), e.toString(), e);
        }
    }

    /**
     * Removes a socket file nobody listens on any more; refuses to touch a live one, or a file of another user, and
     * says whose it is.
     */
    private static void replaceStale(Endpoint endpoint, Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int owner = Uids.ownerOf(socket);
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            int peer = Uids.peerOf(probe);
            String whose = peer >= 0 && peer != Uids.own()
                    ? " by uid " + peer + ", not this process's uid " + Uids.own()
                            + " (another user holds this name; pick another name or dir)"
                    : "";
            throw new BindFailedException(
                    endpoint.toString(), "another shm listener is live at " + socket + whose, null);
        } catch (IOException refused) {
            if (owner >= 0 && owner != Uids.own()) {
                throw new BindFailedException(
                        endpoint.toString(),
                        socket + " belongs to uid " + owner + ", not to this process's uid " + Uids.own()
                                + "; refusing to replace it (remove it if it is safe)",
                        null);
            }
            Files.deleteIfExists(socket);
        }
    }

    // ---------------------------------------------------------------- handshakes (accept thread)

    @Override
    public void hello(SocketChannel client, Handshake.Hello hello) {
        Segment segment = null;
        boolean started = false;
        try {
            int uid = Uids.peerOf(client);
            if (!settings.allowUids().allows(uid)) {
                log.warn("{}: refused a client of uid {}: not in allowUids=[{}]", bound, uid, settings.allowUids());
                refuse(
                        client,
                        "this listener runs as uid " + Uids.own() + " and accepts uids [" + settings.allowUids()
                                + "], not the client's uid " + uid);
                return;
            }
            try {
                segment = map(hello, uid);
            } catch (IOException e) {
                refuse(client, e.getMessage());
                return;
            }
            segment.unlink();
            ShmPoller poller = transport.poller(context, config.idle());
            ShmLink link = new ShmLink(
                    bound,
                    Endpoint.of("shm", settings.name() + "@" + hello.pid()),
                    segment,
                    false,
                    client,
                    poller,
                    hello.clientMayPark(),
                    context.allocator(),
                    config.maxFrame());
            MemoryFaults.deliverPending(); // a file truncated under the checks is a refusal, not a fault later on
            Handshake.writeAnswer(client, new Handshake.Answer(true, poller.mayPark(), ""));
            link.start(binder.bind(link));
            started = true; // the link owns the segment and the socket from here
        } catch (IOException | RuntimeException | InternalError e) {
            log.info("{}: handshake failed: {}", bound, e.toString(), e);
        } finally {
            if (!started) {
                if (segment != null) {
                    segment.unmap();
                }
                ShmAcceptor.closeQuietly(client);
            }
        }
    }

    private Segment map(Handshake.Hello hello, int uid) throws IOException {
        if (!RingDescriptor.validCapacity(hello.toServer()) || !RingDescriptor.validCapacity(hello.toClient())) {
            throw new IOException("ring sizes " + hello.toServer() + "/" + hello.toClient()
                    + " are not powers of two from 4k to 512m");
        }
        Path path = Path.of(hello.segmentPath());
        if (!ShmFiles.isSegmentPath(settings.directory(), path)) {
            throw new IOException("the segment " + path + " is not a segment file in " + settings.directory());
        }
        int owner = Uids.ownerOf(path);
        if (owner != uid) {
            throw new IOException(
                    "the segment " + path + " belongs to uid " + owner + ", not to the client's uid " + uid);
        }
        try {
            Segment segment = Segment.open(path, hello.toServer(), hello.toClient());
            MemoryFaults.deliverPending();
            return segment;
        } catch (InternalError e) {
            if (!MemoryFaults.isMemoryFault(e)) {
                throw e;
            }
            throw new IOException("the segment " + path + " was truncated while it was being checked");
        }
    }

    @Override
    public void refuse(SocketChannel client, @Nullable String why) {
        try {
            Handshake.writeAnswer(client, new Handshake.Answer(false, false, why == null ? "bad hello" : why));
        } catch (IOException ignored) {
            // the client is gone
        }
        ShmAcceptor.closeQuietly(client);
    }

    @Override
    public Endpoint endpoint() {
        return bound;
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        acceptor.close();
        try {
            server.close();
        } catch (IOException e) {
            log.debug("{}: closing the server socket failed", bound, e);
        }
        try {
            Files.deleteIfExists(settings.socket());
        } catch (IOException e) {
            log.warn("{}: could not remove {}", bound, settings.socket(), e);
        }
    }

    @Override
    public String toString() {
        return "shm listener " + bound;
    }
}
