package dev.conduit.ipc.shm.internal;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.TransportContext;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening {@code shm://name}: an owner-only Unix socket and a thread that accepts on it and runs each client's
 * handshake (bounded by {@code connectTimeout}). A bad hello is answered with a refusal that says why and never
 * affects other clients. A socket file left by a dead listener is replaced; a live one is an error.
 */
final class ShmBinding implements Binding {
    private static final Logger log = LoggerFactory.getLogger(ShmBinding.class);
    private static final AtomicLong ANONYMOUS = new AtomicLong();

    private final ShmTransport transport;
    private final Endpoint bound;
    private final ShmTransport.Settings settings;
    private final LinkConfig config;
    private final TransportContext context;
    private final LinkBinder binder;
    private final ServerSocketChannel server;
    private final UserPrincipal owner;
    private final Thread acceptor;
    private volatile boolean open = true;
    /** The client whose handshake the acceptor is running, so that closing does not wait for a slow one. */
    private volatile @Nullable SocketChannel handshaking;

    private ShmBinding(
            ShmTransport transport,
            Endpoint bound,
            ShmTransport.Settings settings,
            LinkConfig config,
            TransportContext context,
            LinkBinder binder,
            ServerSocketChannel server,
            UserPrincipal owner) {
        this.transport = transport;
        this.bound = bound;
        this.settings = settings;
        this.config = config;
        this.context = context;
        this.binder = binder;
        this.server = server;
        this.owner = owner;
        this.acceptor = context.threadFactory("shm-accept").newThread(this::acceptLoop);
    }

    static ShmBinding bind(
            ShmTransport transport,
            Endpoint endpoint,
            ShmTransport.Settings requested,
            LinkConfig config,
            TransportContext context,
            LinkBinder binder) {
        ShmTransport.Settings settings = requested.name().equals("*")
                ? new ShmTransport.Settings(
                        "anon-" + ProcessHandle.current().pid() + "-" + ANONYMOUS.incrementAndGet(),
                        requested.directory(),
                        requested.ringSize())
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
            UserPrincipal owner = Files.getOwner(socket);
            ShmBinding binding = new ShmBinding(
                    transport, endpoint.withAddress(settings.name()), settings, config, context, binder, server, owner);
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

    /** Removes a socket file nobody listens on any more; refuses to touch a live one. */
    private static void replaceStale(Endpoint endpoint, Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new BindFailedException(endpoint.toString(), "another shm listener is live at " + socket, null);
        } catch (IOException refused) {
            Files.deleteIfExists(socket);
        }
    }

    private void acceptLoop() {
        while (open) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (open) {
                    log.warn("{}: accept failed", bound, e);
                }
                continue;
            }
            handshaking = client;
            if (!open) {
                closeQuietly(client);
                return;
            }
            handshake(client);
            handshaking = null;
        }
    }

    private void handshake(SocketChannel client) {
        ScheduledFuture<?> timer = context.scheduler()
                .schedule(() -> closeQuietly(client), config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        boolean started = false;
        try {
            Handshake.Hello hello;
            try {
                hello = Handshake.readHello(client);
            } catch (IOException e) {
                refuse(client, e.getMessage());
                return;
            }
            Segment segment;
            try {
                segment = map(hello);
            } catch (IOException e) {
                refuse(client, e.getMessage());
                return;
            }
            segment.unlink();
            ShmPoller poller = transport.poller(context, config.idle());
            Handshake.writeAnswer(client, new Handshake.Answer(true, poller.mayPark(), ""));
            timer.cancel(false);
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
            link.start(binder.bind(link));
            started = true;
        } catch (IOException | RuntimeException e) {
            log.info("{}: handshake failed: {}", bound, e.toString(), e);
        } finally {
            timer.cancel(false);
            if (!started) {
                closeQuietly(client);
            }
        }
    }

    private Segment map(Handshake.Hello hello) throws IOException {
        if (!RingDescriptor.validCapacity(hello.toServer()) || !RingDescriptor.validCapacity(hello.toClient())) {
            throw new IOException("ring sizes " + hello.toServer() + "/" + hello.toClient()
                    + " are not powers of two from 4k to 512m");
        }
        Path path = Path.of(hello.segmentPath());
        if (!ShmFiles.isSegmentPath(settings.directory(), path)) {
            throw new IOException("the segment " + path + " is not a segment file in " + settings.directory());
        }
        if (!Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).equals(owner)) {
            throw new IOException("the segment " + path + " belongs to another user");
        }
        return Segment.open(path, hello.toServer(), hello.toClient());
    }

    private static void refuse(SocketChannel client, String why) {
        try {
            Handshake.writeAnswer(client, new Handshake.Answer(false, false, why == null ? "bad hello" : why));
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
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
        try {
            server.close();
        } catch (IOException e) {
            log.debug("{}: closing the server socket failed", bound, e);
        }
        SocketChannel inHandshake = handshaking;
        if (inHandshake != null) {
            closeQuietly(inHandshake);
        }
        try {
            Files.deleteIfExists(settings.socket());
        } catch (IOException e) {
            log.warn("{}: could not remove {}", bound, settings.socket(), e);
        }
        if (Thread.currentThread() != acceptor) {
            try {
                acceptor.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "shm listener " + bound;
    }
}
