package dev.conduit.rpc.internal.grpc;

import dev.conduit.core.Endpoint;
import dev.conduit.core.Idle;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.rpc.internal.CarrierConnector;
import dev.conduit.rpc.internal.RpcConfig;
import dev.conduit.rpc.internal.ServerBinding;
import dev.conduit.rpc.internal.ServerCore;
import dev.conduit.transport.netty.NettyLoops;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry to gRPC on the wire: which endpoints it serves, a server's listener, a client's connector, and the
 * HTTP/2 settings both sides share. Connections run on the runtime's event loops ({@link NettyLoops}), never on
 * threads of their own.
 */
public final class GrpcTransport {
    private static final Logger log = LoggerFactory.getLogger(GrpcTransport.class);

    private GrpcTransport() {}

    /** Every HTTP/2 frame in and out, at TRACE on the logger {@code dev.conduit.rpc.grpc.frames}. */
    private static final Http2FrameLogger FRAMES = new Http2FrameLogger(LogLevel.TRACE, "dev.conduit.rpc.grpc.frames");

    /** How many RST_STREAMs a client may send in 30 s before the server closes the connection. */
    static final int MAX_RESETS_PER_WINDOW = 200;

    /** The largest header block accepted (SETTINGS_MAX_HEADER_LIST_SIZE), as gRPC suggests. */
    static final int MAX_HEADER_LIST_SIZE = 8192;

    /** Whether {@code endpoint} is {@code grpc://}, {@code grpcs://} or {@code grpc+unix://}. */
    public static boolean serves(Endpoint endpoint) {
        return GrpcEndpoint.serves(endpoint);
    }

    /**
     * Listens on {@code endpoint} and serves {@code server}'s methods on every connection.
     *
     * @throws dev.conduit.core.EndpointException if the endpoint or an option is not valid
     * @throws dev.conduit.core.BindFailedException if it cannot be bound
     */
    public static ServerBinding listen(Endpoint endpoint, TransportContext runtime, ServerCore server) {
        GrpcEndpoint e = GrpcEndpoint.of(endpoint);
        SslContext tls = e.tls() ? GrpcTls.server(endpoint, runtime) : null;
        NettyLoops loops = NettyLoops.of(runtime, e.engine(), Idle.BLOCK);
        return GrpcListener.bind(e, loops, runtime, ch -> initServerChannel(ch, e, tls, server));
    }

    /**
     * Makes HTTP/2 connections to {@code endpoint} for a client channel.
     *
     * @param idleTimeout how long a connection without calls stays open; zero keeps it
     * @param keepAlive whether to send keepalive pings (while calls are open) at the config's interval: gRPC servers
     *     disconnect clients that ping more often than they permit, so a client pings only when asked to
     * @throws dev.conduit.core.EndpointException if the endpoint or an option is not valid
     */
    public static CarrierConnector connector(
            Endpoint endpoint, TransportContext runtime, RpcConfig config, Duration idleTimeout, boolean keepAlive) {
        GrpcEndpoint e = GrpcEndpoint.of(endpoint);
        SslContext tls = e.tls() ? GrpcTls.client(endpoint, runtime) : null;
        NettyLoops loops = NettyLoops.of(runtime, e.engine(), Idle.BLOCK);
        var pings = new GrpcClientConnector.KeepAliveSettings(
                keepAlive ? config.keepAliveTime() : Duration.ZERO, config.keepAliveTimeout());
        return listener ->
                GrpcClientConnector.connect(e, tls, loops, runtime.allocator(), config, idleTimeout, pings, listener);
    }

    /** The connection-level receive window: room for several calls' windows. */
    static int connectionWindow(int streamWindow) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(4L * streamWindow, 1 << 20));
    }

    /** This side's SETTINGS. */
    static Http2Settings settings(RpcConfig config, boolean server, int maxConcurrentStreams) {
        Http2Settings s =
                new Http2Settings().initialWindowSize(config.initialWindow()).maxHeaderListSize(MAX_HEADER_LIST_SIZE);
        if (server) {
            s.maxConcurrentStreams(maxConcurrentStreams);
        } else {
            s.pushEnabled(false); // only a client may say so
        }
        return s;
    }

    static Http2ConnectionHandler handler(boolean server, Http2FrameListener listener, Http2Settings settings) {
        Http2ConnectionHandlerBuilder b = new Http2ConnectionHandlerBuilder();
        if (server) {
            // The "rapid reset" defence: a client that resets more streams than this is sent GOAWAY
            // (ENHANCE_YOUR_CALM).
            b.decoderEnforceMaxRstFramesPerWindow(MAX_RESETS_PER_WINDOW, 30);
        }
        return b.server(server)
                .frameListener(listener)
                .initialSettings(settings)
                .validateHeaders(true)
                .encoderEnforceMaxConcurrentStreams(!server)
                .gracefulShutdownTimeoutMillis(5_000)
                .frameLogger(FRAMES)
                .build();
    }

    /** What the remote end of {@code ch} is, as an endpoint of {@code e}'s scheme. */
    static Endpoint remoteOf(Channel ch, GrpcEndpoint e) {
        SocketAddress a = ch.remoteAddress();
        if (a instanceof InetSocketAddress inet) {
            String host = inet.getHostString();
            return Endpoint.of(
                    e.endpoint().scheme(), (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort());
        }
        return Endpoint.of(e.endpoint().scheme(), e.endpoint().address());
    }

    // ---------------------------------------------------------------- server pipeline

    private static void initServerChannel(Channel ch, GrpcEndpoint e, SslContext tls, ServerCore server) {
        GrpcServerConnection conn = new GrpcServerConnection(server, ch, remoteOf(ch, e));
        ChannelPipeline p = ch.pipeline();
        Consumer<ChannelPipeline> http2 = pipeline -> addServerHttp2(pipeline, conn);
        // A client that connects and never completes the preface must not hold the connection forever.
        ch.eventLoop()
                .schedule(
                        () -> {
                            if (!conn.reader.prefaceReceived()) {
                                log.debug(
                                        "gRPC listener {}: no HTTP/2 preface from {} in time; closing",
                                        e.describe(),
                                        ch.remoteAddress());
                                ch.close();
                            }
                        },
                        conn.config().handshakeTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
        if (tls == null) {
            p.addLast(new PrefaceSniffer(http2));
            return;
        }
        SslHandler ssl = tls.newHandler(ch.alloc());
        ssl.setHandshakeTimeoutMillis(
                e.endpoint().get(GrpcTls.HANDSHAKE_TIMEOUT).toMillis());
        p.addLast(ssl);
        p.addLast(new ApplicationProtocolNegotiationHandler("") {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    http2.accept(ctx.pipeline());
                } else {
                    log.info(
                            "gRPC listener {}: a client negotiated '{}' instead of h2; closing",
                            e.describe(),
                            protocol);
                    ctx.close();
                }
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                log.debug("gRPC listener {}: TLS handshake failed: {}", e.describe(), cause.toString());
                ctx.close();
            }
        });
    }

    private static void addServerHttp2(ChannelPipeline p, GrpcServerConnection conn) {
        var config = conn.config();
        Http2Settings s = settings(config, true, conn.server.grpcSettings().maxConcurrentCalls());
        installHttp2(p, conn, conn.reader, true, s, config.keepAliveTime(), config.keepAliveTimeout(), () -> true);
    }

    /**
     * Puts HTTP/2 in {@code p} for {@code conn}: keepalive (pinging every {@code keepAliveTime} without reads, when
     * {@code pingWanted}), the transport-thread marker, and the HTTP/2 handler reporting to {@code listener}.
     */
    static void installHttp2(
            ChannelPipeline p,
            Http2Attachment conn,
            GrpcFrameListener listener,
            boolean server,
            Http2Settings settings,
            Duration keepAliveTime,
            Duration keepAliveTimeout,
            BooleanSupplier pingWanted) {
        Http2ConnectionHandler h = handler(server, listener, settings);
        h.connection().addListener(listener);
        p.addLast(new KeepAlive(
                keepAliveTime,
                keepAliveTimeout,
                pingWanted,
                () -> ping(h, p),
                () -> p.channel().close()));
        p.addLast(new TransportThreadMarker());
        p.addLast(h);
        conn.attach(h, p.context(h));
    }

    private static void ping(Http2ConnectionHandler h, ChannelPipeline p) {
        ChannelHandlerContext ctx = p.context(h);
        if (ctx != null) {
            h.encoder().writePing(ctx, false, KeepAlive.PING_DATA, ctx.newPromise());
            p.channel().flush();
        }
    }
}
