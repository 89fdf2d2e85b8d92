package dev.conduit.transport.socket.internal;

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
import io.netty.handler.ssl.SslContext;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/** Makes tcp connections to one endpoint: each {@link #connect} is one attempt with a fresh link. */
final class TcpConnector {
    private final TcpConfig config;
    private final NettyLoops loops;
    private final TransportContext runtime;
    private final InboundBudget budget;
    private final @Nullable SslContext ssl;
    private final String host;
    private final int port;

    TcpConnector(TcpConfig config, TransportContext runtime) {
        this.config = config;
        this.runtime = runtime;
        this.budget = InboundBudget.of(runtime);
        this.loops = NettyLoops.of(runtime, config.engine(), config.link().idle());
        this.ssl = config.tls() == null ? null : config.tls().clientContext(config.endpoint(), runtime);
        this.host = config.endpoint().host();
        this.port = config.endpoint().port();
    }

    TcpConfig config() {
        return config;
    }

    /**
     * Connects once. The future completes after {@code binder} has bound the new link (after the TLS handshake, with
     * TLS), or fails with a {@link ConnectFailedException} naming the endpoint; failing it from outside (the runtime's
     * connect timeout) abandons the attempt.
     */
    CompletableFuture<Void> connect(LinkBinder binder) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Bootstrap b = new Bootstrap()
                .group(loops.group())
                .channelFactory(SocketChannels.stream(loops.engine()))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        NettyLink link = TcpPipeline.install(
                                ch, config, ssl, host, port, binder, config.scheme() + " client", budget);
                        link.activeFuture().whenComplete((v, e) -> {
                            if (e == null) {
                                result.complete(null);
                            } else {
                                result.completeExceptionally(failure(unwrap(e)));
                            }
                        });
                    }
                });
        TcpPipeline.socketOptions(config, loops.engine(), runtime.allocator(), TcpPipeline.OptionSink.of(b::option));
        InetSocketAddress address;
        try {
            address = Addresses.resolve(config.endpoint());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(failure(e));
        }
        ChannelFuture connecting = b.connect(address);
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(failure(f.cause()));
            }
        });
        result.whenComplete((v, e) -> {
            if (e != null) {
                connecting.channel().close();
            }
        });
        return result;
    }

    private int connectTimeoutMillis() {
        return (int) Math.min(
                Integer.MAX_VALUE, Math.max(1, config.link().connectTimeout().toMillis()));
    }

    ConnectFailedException failure(Throwable cause) {
        if (cause instanceof ConnectFailedException c) {
            return c;
        }
        String why;
        if (cause instanceof ConnectException) {
            why = "connection refused (nothing listens on " + host + ":" + port + "?)";
            if (cause.getMessage() != null && cause.getMessage().contains("timed out")) {
                why = "timed out after " + connectTimeoutMillis() + " ms";
            }
        } else if (cause instanceof javax.net.ssl.SSLException) {
            why = "TLS handshake failed: " + cause.getMessage() + plainHint(cause);
        } else if (ssl != null && cause instanceof java.nio.channels.ClosedChannelException) {
            why = "TLS handshake failed: the server closed the connection before the handshake completed"
                    + " (is it a plain tcp:// listener?)";
        } else {
            why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        }
        return new ConnectFailedException(config.endpoint().toString(), why, cause);
    }

    /** A hint for handshakes that fail the way they do against a server that does not speak TLS at all. */
    private static String plainHint(Throwable cause) {
        String m = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
        boolean plain = cause instanceof io.netty.handler.ssl.NotSslRecordException
                || cause instanceof io.netty.handler.ssl.SslHandshakeTimeoutException
                || m.contains("unexpected handshake message")
                || m.contains("not an ssl/tls record");
        return plain ? " (is it a plain tcp:// listener?)" : "";
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
