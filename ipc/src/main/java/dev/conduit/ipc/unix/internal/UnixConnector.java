package dev.conduit.ipc.unix.internal;

import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.spi.InboundBudget;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.transport.netty.NettyLink;
import dev.conduit.transport.netty.NettyLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** Connects to a Unix socket; the future completes once the link is bound to the runtime. */
final class UnixConnector {
    private UnixConnector() {}

    static CompletableFuture<Void> connect(UnixConfig config, TransportContext runtime, LinkBinder binder) {
        NettyLoops loops = NettyLoops.of(runtime, config.engine(), config.link().idle());
        UnixLinkFacts facts = new UnixLinkFacts(config.path().endpoint(), false);
        NettyLink link = new NettyLink(
                config.framer(), binder, facts, facts, InboundBudget.of(runtime).account(config.endpoint()));
        Bootstrap b = new Bootstrap()
                .group(loops.group())
                .channelFactory(UnixChannels.stream(loops.engine()))
                .option(ChannelOption.ALLOCATOR, runtime.allocator())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(
                        Integer.MAX_VALUE, config.link().connectTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("link", link);
                    }
                });
        CompletableFuture<Void> result = new CompletableFuture<>();
        ChannelFuture connecting = b.connect(config.path().address(loops.engine()));
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new ConnectFailedException(
                        config.endpoint().toString(), describe(config, f.cause()), f.cause()));
            }
        });
        link.activeFuture().whenComplete((v, e) -> {
            if (e == null) {
                result.complete(null);
            } else {
                result.completeExceptionally(e);
            }
        });
        // A caller giving up (the runtime's connect timeout) must not leave a half-made connection behind.
        result.whenComplete((v, e) -> {
            if (e != null) {
                connecting.channel().close();
            }
        });
        return result;
    }

    /** Says why a connect failed, from what is at the path rather than from the engine's error text. */
    private static String describe(UnixConfig config, @Nullable Throwable cause) {
        String what = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
        if (!config.path().isAbstract()) {
            try {
                switch (SocketFile.inspect(config.path().file())) {
                    case MISSING:
                        return "no socket at " + config.path() + " (nothing listens there)";
                    case NOT_A_SOCKET:
                        return config.path() + " is not a socket";
                    case STALE_SOCKET:
                        return "nothing accepts on " + config.path()
                                + " (a stale socket file from a listener that died?)";
                    case LIVE_SOCKET:
                        break;
                }
            } catch (IOException e) {
                return "connecting to " + config.path() + " failed: " + what + " (and inspecting it failed: " + e + ")";
            }
        } else if (what.toLowerCase(Locale.ROOT).contains("refused")) {
            return "nothing accepts on the abstract socket " + config.path();
        }
        if (what.toLowerCase(Locale.ROOT).contains("permission denied")) {
            return "permission denied on " + config.path() + " (the socket file's mode does not admit this user)";
        }
        return "connecting to " + config.path() + " failed: " + what;
    }
}
