package dev.conduit.rpc.internal.grpc;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.transport.netty.NettyLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound gRPC listener: a Netty server channel on the runtime's event loops. For {@code grpc+unix://} the socket file
 * is owner-only, a stale file left by a dead process is replaced (a live one is an error), and the file is removed on
 * close.
 */
final class GrpcListener implements dev.conduit.rpc.internal.ServerBinding {
    private static final Logger log = LoggerFactory.getLogger(GrpcListener.class);

    private final Channel server;
    private final Endpoint bound;
    private final @Nullable Path socketFile;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private GrpcListener(Channel server, Endpoint bound, @Nullable Path socketFile) {
        this.server = server;
        this.bound = bound;
        this.socketFile = socketFile;
        server.closeFuture().addListener(f -> {
            removeSocketFile();
            closed.complete(null);
        });
    }

    static GrpcListener bind(GrpcEndpoint e, NettyLoops loops, TransportContext runtime, Consumer<Channel> init) {
        Path file = e.isUnix() ? prepareSocketFile(e) : null;
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.group())
                .channelFactory(e.serverChannel())
                .childOption(ChannelOption.ALLOCATOR, runtime.allocator())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        init.accept(ch);
                    }
                });
        if (!e.isUnix()) {
            b.childOption(ChannelOption.TCP_NODELAY, true);
        }
        Channel ch;
        try {
            ch = b.bind(e.address()).sync().channel();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new BindFailedException(e.describe(), "interrupted while binding", ex);
        } catch (Exception ex) {
            throw new BindFailedException(e.describe(), String.valueOf(ex.getMessage()), ex);
        }
        // Handed to clients as it is: without the listener's own identity (its certificate and key).
        Endpoint bound = e.endpoint().without(GrpcTls.CERT).without(GrpcTls.KEY);
        if (file != null) {
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException | UnsupportedOperationException ex) {
                ch.close();
                throw new BindFailedException(e.describe(), "cannot make the socket owner-only", ex);
            }
        } else if (ch.localAddress() instanceof InetSocketAddress local) {
            String host = e.endpoint().host();
            bound = bound.withAddress((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + local.getPort());
        }
        log.debug("gRPC listening on {}://{}", bound.scheme(), bound.address());
        return new GrpcListener(ch, bound, file);
    }

    /** Checks what is at the socket path: nothing, or a stale socket (removed); anything else is refused. */
    private static Path prepareSocketFile(GrpcEndpoint e) {
        Path path = Path.of(e.endpoint().address());
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return path;
        }
        boolean socket;
        try {
            socket = !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isSymbolicLink(path)
                    && ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000)
                            == 0140000;
        } catch (IOException | UnsupportedOperationException ex) {
            socket = false;
        }
        if (!socket) {
            throw new BindFailedException(
                    e.describe(), "the path exists and is not a socket; refusing to replace it", null);
        }
        try (var probe = java.nio.channels.SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new BindFailedException(e.describe(), "a listener is already accepting on it", null);
        } catch (IOException stale) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ex) {
                throw new BindFailedException(e.describe(), "cannot remove a stale socket file", ex);
            }
        }
        return path;
    }

    private void removeSocketFile() {
        if (socketFile != null) {
            try {
                Files.deleteIfExists(socketFile);
            } catch (IOException ex) {
                log.debug("cannot remove {}: {}", socketFile, ex.toString());
            }
        }
    }

    @Override
    public Endpoint endpoint() {
        return bound;
    }

    /** Closing a Netty server channel leaves the connections it accepted open: that is all stopping needs. */
    @Override
    public void stopAccepting() {
        server.close();
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }
}
