package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.Frame;
import dev.conduit.rpc.internal.GrpcServerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading side of a gRPC server connection, on its event loop: starts calls from request headers (or answers
 * what cannot be served), feeds DATA to the calls' deframers, turns RST_STREAM into cancellation, enforces the
 * client's ping rate, and runs the two-step GOAWAY of a graceful shutdown.
 */
final class GrpcServerReader extends GrpcFrameListener {
    private static final Logger log = LoggerFactory.getLogger(GrpcServerReader.class);

    /** PING payload that marks the ping sent between the two GOAWAYs of a graceful shutdown. */
    private static final long GOAWAY_PING = 0x676f617761792121L;

    private static final int MAX_PING_STRIKES = 2;
    private static final long IMPLICIT_PERMIT_NANOS = TimeUnit.HOURS.toNanos(2);

    private final GrpcServerConnection conn;
    private final GrpcServerSettings settings;
    private final long epoch = System.nanoTime();
    private long lastValidPing = epoch;
    private int pingStrikes;
    private boolean connectionWindowSet;

    GrpcServerReader(GrpcServerConnection conn) {
        this.conn = conn;
        this.settings = conn.server.grpcSettings();
    }

    // ---------------------------------------------------------------- requests

    @Override
    public void onHeadersRead(
            ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream) {
        try {
            readHeaders(streamId, headers, endOfStream);
        } catch (RuntimeException e) {
            failStream(streamId, "request headers", e);
        }
    }

    /** A bug met while handling one stream ends that stream, not the connection and its other calls. */
    private void failStream(int streamId, String what, RuntimeException e) {
        log.error("{}: failed handling the {} of stream {}; resetting it", conn, what, streamId, e);
        GrpcServerStream st = conn.streams.get(streamId);
        if (st != null && st.call != null) {
            st.call.abort(Status.INTERNAL.withDescription("internal error handling the " + what), false);
        }
        conn.handler()
                .resetStream(
                        conn.ctx(),
                        streamId,
                        Http2Error.INTERNAL_ERROR.code(),
                        conn.ctx().newPromise());
    }

    private void readHeaders(int streamId, Http2Headers headers, boolean endOfStream) {
        GrpcServerStream existing = conn.streams.get(streamId);
        if (existing != null) {
            // Trailers from a client: gRPC has none, but HTTP/2 allows them; the end of the stream is what counts.
            if (endOfStream) {
                halfClose(existing);
            }
            return;
        }
        GrpcRequest request = GrpcRequest.read(headers);
        Status error = request.error();
        if (error != null) {
            log.debug("{}: refusing stream {}: {}", conn, streamId, error);
            if (request.httpStatus() != 0) {
                String text = String.valueOf(error.description());
                refuse(
                        streamId,
                        GrpcResponses.httpError(
                                request.httpStatus(), error.code().value(), text),
                        text);
            } else {
                refuse(
                        streamId,
                        GrpcResponses.trailersOnly(error.code().value(), error.description(), null, null),
                        null);
            }
            return;
        }
        var config = conn.config();
        GrpcServerStream st = new GrpcServerStream(
                streamId,
                config.maxMessageSize(),
                config.initialWindow(),
                request.requestGzip(),
                request.acceptsGzip());
        Frame start = Frame.callStart(
                streamId, request.method(), request.headers(), request.timeoutNanos(), request.timeoutNanos() >= 0);
        boolean started = conn.server.startCall(conn, start, (call, id) -> {
            st.call = call;
            conn.active.incrementAndGet();
            conn.streams.put(streamId, st);
        });
        if (!started) {
            String why = "method not found: " + request.method();
            refuse(streamId, GrpcResponses.trailersOnly(Status.Code.UNIMPLEMENTED.value(), why, null, null), null);
        } else if (endOfStream) {
            halfClose(st);
        }
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
        GrpcServerStream st = conn.streams.get(streamId);
        if (st == null) {
            return data.readableBytes() + padding;
        }
        int processed = padding;
        try {
            processed += st.deframer.feed(data);
            if (endOfStream) {
                halfClose(st);
            }
        } catch (RuntimeException e) {
            failStream(streamId, "request data", e);
            return data.readableBytes() + padding;
        }
        return processed;
    }

    private void halfClose(GrpcServerStream st) {
        if (st.deframer.hasPartialMessage()) {
            st.malformed("the request stream ended inside a message");
        } else {
            st.call().onFrame(Frame.halfClose(st.id));
        }
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        GrpcServerStream st = conn.streams.get(streamId);
        if (st != null) {
            Status s = GrpcStatus.fromResetCode(errorCode);
            st.call().onFrame(Frame.cancel(streamId, Status.Code.CANCELLED.value(), s.description()));
        }
    }

    @Override
    public void onStreamClosed(Http2Stream stream) {
        GrpcServerStream st = conn.streams.remove(stream.id());
        if (st != null && st.call != null) {
            st.call.abort(Status.CANCELLED.withDescription("the stream closed before the call ended"), false);
        }
    }

    /**
     * Answers a stream that will not become a call, with one header block (and a text body for non-gRPC requests),
     * then resets it if the client is still sending.
     */
    private void refuse(int streamId, Http2Headers headers, @Nullable String body) {
        Http2ConnectionHandler h = conn.handler();
        ChannelHandlerContext ctx = conn.ctx();
        ChannelFutureListener resetIfOpen = done -> {
            Http2Stream s = h.connection().stream(streamId);
            if (done.isSuccess() && s != null && s.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
                h.resetStream(ctx, streamId, Http2Error.NO_ERROR.code(), ctx.newPromise());
                ctx.channel().flush();
            }
        };
        if (body == null) {
            h.encoder()
                    .writeHeaders(
                            ctx, streamId, headers, 0, true, ctx.newPromise().addListener(resetIfOpen));
        } else {
            h.encoder().writeHeaders(ctx, streamId, headers, 0, false, ctx.newPromise());
            ByteBuf text = ByteBufUtil.writeUtf8(ctx.alloc(), body + "\n");
            h.encoder().writeData(ctx, streamId, text, 0, true, ctx.newPromise().addListener(resetIfOpen));
        }
    }

    // ---------------------------------------------------------------- connection frames

    @Override
    public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
        GrpcServerStream st = conn.streams.get(streamId);
        if (st != null && st.call != null) {
            st.call.grant(windowSizeIncrement);
        }
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings s) {
        Integer window = s.initialWindowSize();
        if (window != null) {
            long delta = window - conn.sendCredit;
            conn.sendCredit = window;
            if (delta != 0) {
                // A new initial window changes every open stream's window by the difference (RFC 9113, 6.9.2).
                for (GrpcServerStream st : conn.streams.values()) {
                    if (st.call != null) {
                        st.call.grant(delta);
                    }
                }
            }
        }
        if (!connectionWindowSet) {
            connectionWindowSet = true;
            Http2ConnectionHandler h = conn.handler();
            int target = GrpcTransport.connectionWindow(conn.config().initialWindow());
            try {
                Http2Stream connection = h.connection().connectionStream();
                int delta = target - h.decoder().flowController().windowSize(connection);
                if (delta > 0) {
                    h.decoder().flowController().incrementWindowSize(connection, delta);
                }
            } catch (Http2Exception e) {
                log.debug("{}: cannot widen the connection window: {}", conn, e.getMessage());
            }
        }
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) {
        // Netty has already answered; what is left is gRPC's limit on how often a client may ping.
        long now = System.nanoTime();
        boolean calls = conn.active.get() > 0 || settings.permitKeepAliveWithoutCalls();
        long min = calls ? settings.permitKeepAliveTime().toNanos() : IMPLICIT_PERMIT_NANOS;
        if (now - lastValidPing >= min) {
            lastValidPing = now;
            return;
        }
        if (++pingStrikes > MAX_PING_STRIKES) {
            log.info(
                    "{}: the client pings more often than every {}; closing with too_many_pings",
                    conn,
                    settings.permitKeepAliveTime());
            Http2ConnectionHandler h = conn.handler();
            ByteBuf debug = Unpooled.copiedBuffer("too_many_pings", StandardCharsets.US_ASCII);
            h.goAway(
                    ctx,
                    h.connection().remote().lastStreamCreated(),
                    Http2Error.ENHANCE_YOUR_CALM.code(),
                    debug,
                    ctx.newPromise());
            ctx.channel().flush();
            ctx.channel().close();
        }
    }

    /** Whether the client's preface (its first SETTINGS) has arrived. Event loop. */
    boolean prefaceReceived() {
        return connectionWindowSet;
    }

    /** The server sent headers or data: the client may ping again (gRPC resets its ping strikes then). */
    void pingsAllowedAgain() {
        pingStrikes = 0;
        lastValidPing = epoch;
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext ctx, long data) {
        if (data == GOAWAY_PING) {
            conn.finalGoAway();
        }
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
        log.debug("{}: the client sent GOAWAY ({})", conn, errorCode);
    }

    // ---------------------------------------------------------------- graceful shutdown

    /**
     * The first GOAWAY (no stream refused yet), then a PING: streams the client started before it saw the GOAWAY
     * still arrive before the PING's ack, after which {@link GrpcServerConnection#finalGoAway} names the last one.
     */
    void startGoAway() {
        if (!conn.channel.isActive()) {
            return;
        }
        Http2ConnectionHandler h = conn.handler();
        ChannelHandlerContext ctx = conn.ctx();
        ByteBuf debug = Unpooled.copiedBuffer("the server is shutting down", StandardCharsets.US_ASCII);
        h.goAway(ctx, Integer.MAX_VALUE, Http2Error.NO_ERROR.code(), debug, ctx.newPromise());
        h.encoder().writePing(ctx, false, GOAWAY_PING, ctx.newPromise());
        ctx.channel().flush();
        ctx.executor().schedule(conn::finalGoAway, 2, TimeUnit.SECONDS);
    }
}
