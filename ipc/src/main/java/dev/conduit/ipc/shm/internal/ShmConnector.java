package dev.conduit.ipc.shm.internal;

import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Idle;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.ipc.internal.Uids;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The client side of a connection, on a short-lived thread: connect the control socket, create the segment, say
 * hello, and on the listener's answer unlink the segment and start the link. The handshake is bounded by {@code
 * connectTimeout}, after which the socket is closed under the blocked read.
 */
final class ShmConnector {
    private final ShmTransport transport;
    private final Endpoint endpoint;
    private final ShmTransport.Settings settings;
    private final LinkConfig config;
    private final TransportContext context;
    private final LinkBinder binder;
    private final CompletableFuture<Void> result;

    ShmConnector(
            ShmTransport transport,
            Endpoint endpoint,
            ShmTransport.Settings settings,
            LinkConfig config,
            TransportContext context,
            LinkBinder binder,
            CompletableFuture<Void> result) {
        this.transport = transport;
        this.endpoint = endpoint;
        this.settings = settings;
        this.config = config;
        this.context = context;
        this.binder = binder;
        this.result = result;
    }

    void run() {
        try {
            connect();
            result.complete(null);
        } catch (ConnectFailedException e) {
            result.completeExceptionally(e);
        } catch (AsynchronousCloseException e) {
            result.completeExceptionally(fail("timed out during the handshake", e));
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(fail(e.toString(), e));
        }
    }

    /** Connects; whatever fails has been released (segment unmapped, socket closed) by the time it throws. */
    private void connect() throws IOException {
        SocketChannel control = null;
        Segment segment = null;
        ScheduledFuture<?> timer = null;
        boolean started = false;
        try {
            control = SocketChannel.open(StandardProtocolFamily.UNIX);
            SocketChannel ch = control;
            timer = context.scheduler()
                    .schedule(() -> closeQuietly(ch), config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            try {
                control.connect(UnixDomainSocketAddress.of(settings.socket()));
            } catch (IOException e) {
                throw fail(unreachable(e), e);
            }
            checkListenerUid(control);
            ShmFiles.sweepStaleSegments(settings.directory());
            int ring = settings.ringSize();
            segment = Segment.create(() -> ShmFiles.newSegmentPath(settings.directory(), settings.name()), ring, ring);
            long pid = ProcessHandle.current().pid();
            Handshake.writeHello(
                    control,
                    new Handshake.Hello(
                            config.idle() != Idle.SPIN,
                            ring,
                            ring,
                            pid,
                            segment.path().toString()));
            Handshake.Answer answer = Handshake.readAnswer(control);
            segment.unlink();
            if (!answer.accepted()) {
                throw fail("the listener refused the connection: " + answer.message(), null);
            }
            timer.cancel(false);
            if (!control.isOpen() || result.isDone()) {
                throw fail("timed out during the handshake", null);
            }
            ShmLink link = new ShmLink(
                    Endpoint.of("shm", settings.name() + "@" + pid),
                    endpoint,
                    segment,
                    true,
                    control,
                    transport.poller(context, config.idle()),
                    answer.serverMayPark(),
                    context.allocator(),
                    config.maxFrame());
            link.start(binder.bind(link));
            started = true; // the link owns the segment and the socket from here
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            if (segment != null) {
                segment.unlink();
                if (!started) {
                    segment.unmap();
                }
            }
            if (!started && control != null) {
                closeQuietly(control);
            }
        }
    }

    /** Why the control socket could not be reached, naming the socket's owner and mode where access was denied. */
    private String unreachable(IOException e) {
        Path socket = settings.socket();
        String what = String.valueOf(e.getMessage());
        if (what.toLowerCase(Locale.ROOT).contains("permission denied")) {
            return "permission denied on the shm listener's socket " + socket + " (owned by uid "
                    + Uids.ownerOf(socket) + ", mode " + Uids.modeOf(socket) + "; this process runs as uid "
                    + Uids.own() + ")";
        }
        return "no shm listener at " + socket + " (" + what + ")";
    }

    /**
     * Refuses a listener of a uid that is not accepted (default: only this process's own), before anything is said
     * to it: a socket of another user at the listener's name is a squatter, not the listener.
     */
    private void checkListenerUid(SocketChannel control) {
        int uid = Uids.peerOf(control);
        if (!settings.allowUids().allows(uid)) {
            throw fail(
                    "the shm listener at " + settings.socket() + " runs as uid " + uid + ", not as this process's uid "
                            + Uids.own() + "; refusing to connect (allowUids=" + settings.allowUids()
                            + "; add " + uid + " to trust it)",
                    null);
        }
    }

    private ConnectFailedException fail(String why, @Nullable Throwable cause) {
        return new ConnectFailedException(endpoint.toString(), why, cause);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
