package dev.conduit.ipc.shm.internal;

import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Idle;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.TransportContext;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
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
                throw fail("no shm listener at " + settings.socket() + " (" + e.getMessage() + ")", e);
            }
            ShmFiles.sweepStaleSegments(settings.directory());
            int ring = settings.ringSize();
            segment = Segment.create(ShmFiles.newSegmentPath(settings.directory(), settings.name()), ring, ring);
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
            started = true;
            result.complete(null);
        } catch (ConnectFailedException e) {
            result.completeExceptionally(e);
        } catch (AsynchronousCloseException e) {
            result.completeExceptionally(fail("timed out during the handshake", e));
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(fail(e.toString(), e));
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            if (segment != null) {
                segment.unlink();
            }
            if (!started && control != null) {
                closeQuietly(control);
            }
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
