package dev.conduit.rpc.internal.grpc;

import dev.conduit.core.ChannelOptions;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.CarrierListener;
import dev.conduit.rpc.internal.ClientCarrier;
import dev.conduit.rpc.internal.RpcConfig;
import dev.conduit.transport.netty.NettyLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Opens a client's HTTP/2 connection: TCP or Unix socket, TLS with ALPN {@code h2} for {@code grpcs://}, the
 * connection preface, and the server's SETTINGS, within the connect timeout. The future completes with the carrier
 * once the server's SETTINGS have arrived.
 */
final class GrpcClientConnector {
    private GrpcClientConnector() {}

    /** Client keepalive pings: only while calls are open, and only if the channel asked for them. */
    record KeepAliveSettings(Duration time, Duration timeout) {}

    static CompletableFuture<ClientCarrier> connect(
            GrpcEndpoint e,
            @Nullable SslContext tls,
            NettyLoops loops,
            ByteBufAllocator alloc,
            RpcConfig config,
            Duration idleTimeout,
            KeepAliveSettings keepAlive,
            CarrierListener listener) {
        CompletableFuture<ClientCarrier> result = new CompletableFuture<>();
        Duration timeout = e.endpoint().find(ChannelOptions.CONNECT_TIMEOUT).orElse(config.handshakeTimeout());
        Bootstrap b = new Bootstrap()
                .group(loops.group())
                .channelFactory(e.clientChannel())
                .option(ChannelOption.ALLOCATOR, alloc)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        GrpcClientConnection conn = new GrpcClientConnection(ch, e, config, listener);
                        listener.opened(conn);
                        init(ch, conn, tls, keepAlive);
                        conn.ready.whenComplete((c, err) -> {
                            if (err == null) {
                                conn.startIdleCheck(idleTimeout.toNanos());
                                result.complete(c);
                            } else {
                                result.completeExceptionally(err);
                                ch.close();
                            }
                        });
                        ch.eventLoop()
                                .schedule(
                                        () -> {
                                            if (conn.ready.completeExceptionally(Status.UNAVAILABLE
                                                    .withDescription("no HTTP/2 SETTINGS from " + e.describe()
                                                            + " within " + timeout.toMillis() + " ms")
                                                    .asException())) {
                                                ch.close();
                                            }
                                        },
                                        timeout.toNanos(),
                                        TimeUnit.NANOSECONDS);
                    }
                });
        if (!e.isUnix()) {
            b.option(ChannelOption.TCP_NODELAY, true);
        }
        b.connect(e.address()).addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new ConnectFailedException(
                        e.describe(), String.valueOf(f.cause().getMessage()), f.cause()));
            }
        });
        return result;
    }

    private static void init(Channel ch, GrpcClientConnection conn, @Nullable SslContext tls, KeepAliveSettings ka) {
        ChannelPipeline p = ch.pipeline();
        if (tls == null) {
            addHttp2(p, conn, ka);
            return;
        }
        GrpcEndpoint e = conn.endpoint;
        SslHandler ssl = e.address() instanceof InetSocketAddress inet
                ? tls.newHandler(ch.alloc(), e.host(), inet.getPort())
                : tls.newHandler(ch.alloc());
        ssl.setHandshakeTimeoutMillis(
                e.endpoint().get(GrpcTls.HANDSHAKE_TIMEOUT).toMillis());
        p.addLast(ssl);
        p.addLast(new ApplicationProtocolNegotiationHandler("") {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    addHttp2(ctx.pipeline(), conn, ka);
                } else {
                    conn.ready.completeExceptionally(Status.UNAVAILABLE
                            .withDescription(e.describe() + " did not negotiate h2 with ALPN (got '" + protocol + "')")
                            .asException());
                    ctx.close();
                }
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                conn.ready.completeExceptionally(Status.UNAVAILABLE
                        .withDescription("TLS handshake with " + e.describe() + " failed: " + cause.getMessage())
                        .withCause(cause)
                        .asException());
                ctx.close();
            }
        });
    }

    private static void addHttp2(ChannelPipeline p, GrpcClientConnection conn, KeepAliveSettings ka) {
        GrpcTransport.installHttp2(
                p,
                conn,
                conn.reader,
                false,
                GrpcTransport.settings(conn.config, false, 0),
                ka.time(),
                ka.timeout(),
                () -> conn.active.get() > 0);
    }
}
