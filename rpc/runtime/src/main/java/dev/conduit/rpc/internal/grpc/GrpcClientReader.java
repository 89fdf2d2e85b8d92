package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.Frame;
import dev.conduit.rpc.internal.MessageEncoding;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading side of a client's gRPC connection, on its event loop: response headers, messages, trailers (or
 * Trailers-Only), reset streams, SETTINGS and GOAWAY, turned into the frames a client call understands. Responses
 * that are not gRPC get the status gRPC's HTTP mapping gives them.
 */
final class GrpcClientReader extends GrpcFrameListener {
    private static final Logger log = LoggerFactory.getLogger(GrpcClientReader.class);

    private final GrpcClientConnection conn;
    private boolean settingsSeen;

    GrpcClientReader(GrpcClientConnection conn) {
        this.conn = conn;
    }

    @Override
    public void onHeadersRead(
            ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream) {
        GrpcClientStream st = conn.byStream.get(streamId);
        if (st == null) {
            return;
        }
        try {
            if (!st.headersReceived) {
                st.headersReceived = true;
                if (!endOfStream && !responseHeaders(st, headers)) {
                    return;
                }
            }
            if (endOfStream) {
                trailers(st, headers);
            }
        } catch (RuntimeException e) {
            log.error("{}: failed reading the response headers of stream {}", conn, streamId, e);
            st.call.abort(Status.INTERNAL.withDescription("internal error reading the response headers"), true);
        }
    }

    /** The first header block of a response that goes on; false if it ended the call instead. */
    private boolean responseHeaders(GrpcClientStream st, Http2Headers h) {
        CharSequence status = h.status();
        if (status == null || !GrpcHeaders.OK.contentEquals(status)) {
            end(st, httpStatus(status), true);
            return false;
        }
        CharSequence contentType = h.get(GrpcHeaders.CONTENT_TYPE);
        if (contentType == null || !GrpcHeaders.isGrpcContentType(contentType)) {
            end(
                    st,
                    Status.UNKNOWN.withDescription("the response's content-type " + contentType + " is not gRPC's"),
                    true);
            return false;
        }
        CharSequence encoding = h.get(GrpcHeaders.GRPC_ENCODING);
        if (encoding != null && !MessageEncoding.isSupported(encoding.toString())) {
            end(st, Status.INTERNAL.withDescription("the server used grpc-encoding '" + encoding + "'"), true);
            return false;
        }
        st.responseGzip = encoding != null && GrpcHeaders.GZIP.contentEqualsIgnoreCase(encoding);
        st.call.onFrame(Frame.headers(st.callId, GrpcHeaders.toMetadata(h, false)));
        return true;
    }

    /** Trailers, or a Trailers-Only response: the call's status. */
    private void trailers(GrpcClientStream st, Http2Headers h) {
        CharSequence code = h.get(GrpcHeaders.GRPC_STATUS);
        Status status;
        if (code == null) {
            CharSequence http = h.status();
            status = http != null && !GrpcHeaders.OK.contentEquals(http)
                    ? httpStatus(http)
                    : Status.UNKNOWN.withDescription("the server ended the call without a grpc-status");
        } else {
            int value;
            try {
                value = Integer.parseInt(code.toString());
            } catch (NumberFormatException e) {
                value = Status.Code.UNKNOWN.value();
            }
            CharSequence message = h.get(GrpcHeaders.GRPC_MESSAGE);
            status = Status.fromCodeValue(value)
                    .withDescription(message == null ? null : GrpcHeaders.percentDecode(message));
        }
        if (st.deframer.hasPartialMessage()) {
            status = Status.INTERNAL.withDescription("the response ended inside a message");
        }
        Metadata trailers = GrpcHeaders.toMetadata(h, false);
        st.call.onFrame(Frame.callEnd(st.callId, status.code().value(), status.description(), trailers));
        resetIfStillSending(st);
    }

    private static Status httpStatus(CharSequence status) {
        try {
            return GrpcStatus.fromHttpStatus(Integer.parseInt(String.valueOf(status)));
        } catch (NumberFormatException e) {
            return Status.INTERNAL.withDescription("the response has no valid :status");
        }
    }

    /** Ends the call as a response that is not gRPC makes it end, and drops the stream. */
    private void end(GrpcClientStream st, Status status, boolean reset) {
        st.call.onFrame(Frame.callEnd(st.callId, status.code().value(), status.description(), new Metadata()));
        if (reset) {
            Http2ConnectionHandler h = conn.handler();
            h.resetStream(
                    conn.ctx(),
                    st.streamId,
                    Http2Error.CANCEL.code(),
                    conn.ctx().newPromise());
        }
    }

    /** The server ended the call before the request did: gRPC says to reset the stream (NO_ERROR). */
    private void resetIfStillSending(GrpcClientStream st) {
        Http2Stream s = conn.handler().connection().stream(st.streamId);
        if (s != null && s.state() == Http2Stream.State.HALF_CLOSED_REMOTE) {
            conn.handler()
                    .resetStream(
                            conn.ctx(),
                            st.streamId,
                            Http2Error.NO_ERROR.code(),
                            conn.ctx().newPromise());
        }
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
        GrpcClientStream st = conn.byStream.get(streamId);
        if (st == null) {
            return data.readableBytes() + padding;
        }
        if (!st.headersReceived) {
            st.call.abort(Status.INTERNAL.withDescription("the server sent data before headers"), true);
            return data.readableBytes() + padding;
        }
        int processed = padding + st.deframer.feed(data);
        if (endOfStream) {
            // A response must end with trailers; DATA with END_STREAM leaves the status missing.
            end(st, Status.INTERNAL.withDescription("the response ended without trailers"), false);
        }
        return processed;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        GrpcClientStream st = conn.byStream.get(streamId);
        if (st != null) {
            Status s = GrpcStatus.fromResetCode(errorCode);
            if (errorCode == Http2Error.REFUSED_STREAM.code()) {
                st.call.refused(s); // not processed: a retry may go elsewhere at once
                return;
            }
            st.call.onFrame(Frame.callEnd(st.callId, s.code().value(), s.description(), new Metadata()));
        }
    }

    @Override
    public void onStreamClosed(Http2Stream stream) {
        GrpcClientStream st = conn.byStream.remove(stream.id());
        if (st != null) {
            conn.calls.remove(st.callId);
            Status lost = Status.UNAVAILABLE.withDescription("the stream closed before the call ended (" + conn + ")");
            var http2 = conn.handler().connection();
            if (http2.goAwayReceived() && stream.id() > http2.local().lastStreamKnownByPeer()) {
                st.call.refused(lost); // past the GOAWAY's last stream: the server never processed it
            } else {
                st.call.abort(lost, false);
            }
        }
    }

    @Override
    public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
        GrpcClientStream st = conn.byStream.get(streamId);
        if (st != null) {
            st.call.grant(windowSizeIncrement);
        }
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
        Integer window = settings.initialWindowSize();
        if (window != null) {
            long delta = window - conn.sendCredit;
            conn.sendCredit = window;
            if (delta != 0 && settingsSeen) {
                // A new initial window changes every open stream's window by the difference (RFC 9113, 6.9.2).
                for (GrpcClientStream st : conn.byStream.values()) {
                    st.call.grant(delta);
                }
            }
        }
        if (!settingsSeen) {
            settingsSeen = true;
            widenConnectionWindow();
            conn.ready.complete(conn);
        }
    }

    private void widenConnectionWindow() {
        Http2ConnectionHandler h = conn.handler();
        try {
            Http2Stream connection = h.connection().connectionStream();
            int delta = GrpcTransport.connectionWindow(conn.config.initialWindow())
                    - h.decoder().flowController().windowSize(connection);
            if (delta > 0) {
                h.decoder().flowController().incrementWindowSize(connection, delta);
            }
        } catch (Http2Exception e) {
            log.debug("{}: cannot widen the connection window: {}", conn, e.getMessage());
        }
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
        String debug = debugData.toString(StandardCharsets.UTF_8);
        if (errorCode == Http2Error.ENHANCE_YOUR_CALM.code() && debug.equals("too_many_pings")) {
            log.warn(
                    "{}: the server finds our keepalive pings too frequent (too_many_pings); "
                            + "ping less often (RpcChannel.Builder.keepAlive)",
                    conn);
        } else {
            log.debug("{}: GOAWAY from the server ({}, last stream {}): {}", conn, errorCode, lastStreamId, debug);
        }
        conn.draining = true;
        conn.owner.goAwayReceived(conn);
        if (!conn.ready.isDone()) {
            conn.ready.completeExceptionally(Status.UNAVAILABLE
                    .withDescription("the server sent GOAWAY during the handshake: " + debug)
                    .asException());
        }
        if (conn.active.get() == 0) {
            conn.closeGracefully();
        }
    }
}
