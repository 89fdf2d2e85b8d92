package dev.conduit.ipc.unix.internal;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.InboundBudget;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.ipc.AllowedUids;
import dev.conduit.ipc.PeerCredentials;
import dev.conduit.transport.netty.NettyLink;
import dev.conduit.transport.netty.NettyLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening Unix socket. Its file is checked before binding (see {@link SocketFile}), given its mode before anyone
 * can connect, and removed on close if it is still ours. Accepted peers whose uid is not allowed are disconnected
 * before the runtime sees them.
 */
final class UnixBinding implements Binding {
    private static final Logger log = LoggerFactory.getLogger(UnixBinding.class);
    private static final int BACKLOG = 1024;

    private final Channel server;
    private final UnixConfig config;
    private final @Nullable Object fileKey;

    private UnixBinding(Channel server, UnixConfig config, @Nullable Object fileKey) {
        this.server = server;
        this.config = config;
        this.fileKey = fileKey;
    }

    static UnixBinding bind(UnixConfig config, TransportContext runtime, LinkBinder binder) {
        NettyLoops loops = NettyLoops.of(runtime, config.engine(), config.link().idle());
        Endpoint socket = config.path().endpoint();
        InboundBudget budget = InboundBudget.of(runtime);
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.group())
                .channelFactory(UnixChannels.server(loops.engine()))
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.ALLOCATOR, runtime.allocator())
                .childOption(ChannelOption.ALLOCATOR, runtime.allocator())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (admitted(config, ch)) {
                            UnixLinkFacts facts = new UnixLinkFacts(socket, true);
                            ch.pipeline()
                                    .addLast(
                                            "link",
                                            new NettyLink(
                                                    config.framer(),
                                                    binder,
                                                    facts,
                                                    facts,
                                                    budget.account(config.endpoint())));
                        } else {
                            ch.close();
                        }
                    }
                });
        if (config.path().isAbstract()) {
            Channel server = bindAt(b, config, config.path().nativeAddress());
            return new UnixBinding(server, config, null);
        }
        return bindFile(b, config);
    }

    private static UnixBinding bindFile(ServerBootstrap b, UnixConfig config) {
        Path target = config.path().file();
        String endpoint = config.endpoint().toString();
        Path privateDir = null;
        Channel server = null;
        try {
            if (!Files.isDirectory(target.getParent())) {
                throw new BindFailedException(endpoint, "directory " + target.getParent() + " does not exist", null);
            }
            SocketFile.State state = SocketFile.inspect(target);
            if (state == SocketFile.State.LIVE_SOCKET || state == SocketFile.State.NOT_A_SOCKET) {
                throw new BindFailedException(endpoint, target + ": " + SocketFile.describe(state), null);
            }
            if (state == SocketFile.State.STALE_SOCKET) {
                log.info("replacing stale socket file {} (its listener is gone)", target);
            }
            privateDir = SocketFile.privateDirFor(target);
            if (privateDir != null) {
                Path bound = privateDir.resolve("s");
                server = bindAt(b, config, new SocketPath(bound.toString(), false).address(config.engine()));
                SocketFile.chmod(bound, config.mode());
                SocketFile.moveIntoPlace(bound, target);
            } else {
                if (state == SocketFile.State.STALE_SOCKET) {
                    Files.deleteIfExists(target);
                }
                server = bindAt(b, config, config.path().address(config.engine()));
                SocketFile.chmod(target, config.mode());
            }
            return new UnixBinding(server, config, SocketFile.fileKey(target));
        } catch (IOException e) {
            if (server != null) {
                server.close().awaitUninterruptibly();
            }
            throw new BindFailedException(endpoint, target + ": " + e, e);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close().awaitUninterruptibly();
            }
            throw e;
        } finally {
            if (privateDir != null) {
                deleteQuietly(privateDir.resolve("s"));
                deleteQuietly(privateDir);
            }
        }
    }

    private static Channel bindAt(ServerBootstrap b, UnixConfig config, java.net.SocketAddress address) {
        ChannelFuture bound = b.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            bound.channel().close();
            Throwable cause = bound.cause();
            String why = cause == null ? "unknown error" : String.valueOf(cause.getMessage());
            throw new BindFailedException(
                    config.endpoint().toString(), "binding " + config.path() + " failed: " + why, cause);
        }
        return bound.channel();
    }

    /** Applies the uid filter; a refused peer is logged with the reason. */
    private static boolean admitted(UnixConfig config, Channel ch) {
        AllowedUids allowed = config.allowUids();
        if (allowed == null) {
            return true;
        }
        PeerCredentials peer = Credentials.of(ch);
        if (peer == null || peer.uid() < 0) {
            log.warn(
                    "unix listener {} refused a peer: its uid cannot be determined, and allowUids=[{}] is set",
                    config.path(),
                    allowed);
            return false;
        }
        if (!allowed.allows(peer.uid())) {
            log.warn(
                    "unix listener {} refused a peer ({}): uid {} is not in allowUids=[{}]{}",
                    config.path(),
                    peer,
                    peer.uid(),
                    allowed,
                    config.defaultUidFilter()
                            ? " (an abstract socket has no file mode, so it admits only its own uid unless the"
                                    + " endpoint sets allowUids)"
                            : "");
            return false;
        }
        return true;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.debug("could not delete {}", p, e);
        }
    }

    @Override
    public Endpoint endpoint() {
        return config.endpoint();
    }

    @Override
    public void close() {
        ChannelFuture closing = server.close();
        if (!server.eventLoop().inEventLoop()) {
            closing.awaitUninterruptibly();
        }
        if (!config.path().isAbstract()) {
            try {
                SocketFile.removeIfOurs(config.path().file(), fileKey);
            } catch (IOException e) {
                log.warn("could not remove socket file {}", config.path(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "unix-binding(" + config.path() + ")";
    }
}
