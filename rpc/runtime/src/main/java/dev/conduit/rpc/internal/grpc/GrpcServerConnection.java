package dev.conduit.rpc.internal.grpc;

import dev.conduit.core.Endpoint;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.Frame;
import dev.conduit.rpc.internal.Frames;
import dev.conduit.rpc.internal.RpcConfig;
import dev.conduit.rpc.internal.ServedConnection;
import dev.conduit.rpc.internal.ServerCarrier;
import dev.conduit.rpc.internal.ServerCore;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 connection served as gRPC: the carrier of its calls, one per stream (the stream id is the call id).
 * Requests are read by {@link GrpcServerReader} on the event loop; responses come from any thread through {@link
 * #write}, are encoded there and written on the event loop in batches ({@link WriteQueue}).
 *
 * <p>Response credit is HTTP/2's own: a call starts with the client's initial stream window, each response costs its
 * DATA bytes, and the client's WINDOW_UPDATEs for the stream give credit back. A client that stops reading thus
 * stops the handler (it waits, or sees {@code isReady()} false) instead of filling this process's memory.
 */
final class GrpcServerConnection extends Http2Attachment implements ServerCarrier, ServedConnection {
    private static final Logger log = LoggerFactory.getLogger(GrpcServerConnection.class);

    final ServerCore server;
    final Channel channel;
    final ConcurrentHashMap<Integer, GrpcServerStream> streams = new ConcurrentHashMap<>();
    final AtomicInteger active = new AtomicInteger();
    private final Endpoint remote;
    final GrpcServerReader reader;
    private final WriteQueue writes;
    /** The client's initial stream window (SETTINGS_INITIAL_WINDOW_SIZE): a new call's credit for responses. */
    volatile long sendCredit = 65_535;

    volatile boolean goingAway;
    private boolean finalGoAwaySent; // event loop

    GrpcServerConnection(ServerCore server, Channel channel, Endpoint remote) {
        this.server = server;
        this.channel = channel;
        this.remote = remote;
        this.writes = new WriteQueue(channel, this::writeFrame);
        this.reader = new GrpcServerReader(this);
    }

    /** Binds the connection to its HTTP/2 handler, once in the pipeline. Event loop. */
    @Override
    void attach(Http2ConnectionHandler h, ChannelHandlerContext context) {
        super.attach(h, context);
        channel.closeFuture().addListener(f -> closed());
        server.connectionOpened(this);
    }

    // ---------------------------------------------------------------- ServerCarrier

    @Override
    public RpcConfig config() {
        return server.config();
    }

    @Override
    public Executor executor() {
        return server.executor();
    }

    @Override
    public long initialSendCredit() {
        return sendCredit;
    }

    @Override
    public int peerMaxMessageSize() {
        return Integer.MAX_VALUE; // gRPC peers enforce their own limit and answer RESOURCE_EXHAUSTED
    }

    @Override
    public Endpoint remoteEndpoint() {
        return remote;
    }

    @Override
    public boolean sendsResponseHeaders() {
        return true;
    }

    @Override
    public boolean write(Frame f) {
        GrpcServerStream st = streams.get(f.callId());
        if (st == null) {
            return false;
        }
        if (f.type() == Frames.MESSAGE || f.type() == Frames.CALL_END) {
            st.chooseEncoding(f);
        }
        if (f.carriesMessage()) {
            try {
                f.carried(MessageFramer.encode(f, channel.alloc(), st.gzip));
            } catch (MessageFramer.EncodeException e) {
                st.call().sendFailed(f, e.status);
                return false;
            }
        }
        writes.enqueue(f);
        return true;
    }

    @Override
    public void callEnded(int callId) {
        if (active.decrementAndGet() == 0 && goingAway) {
            channel.eventLoop().execute(this::closeIfDrained);
        }
    }

    // ---------------------------------------------------------------- writing (event loop)

    private void writeFrame(Frame f) {
        GrpcServerStream st = streams.get(f.callId());
        Http2Stream stream = handler().connection().stream(f.callId());
        if (st == null || stream == null || stream.state() == Http2Stream.State.CLOSED) {
            WriteQueue.release(f);
            return;
        }
        switch (f.type()) {
            case Frames.MESSAGE -> {
                sendHeaders(st, f);
                writeData(st, f, false);
            }
            case Frames.CALL_END -> {
                if (f.isAbortEnd()) {
                    abortStream(st, stream, f);
                    return;
                }
                if (f.carriesMessage()) {
                    sendHeaders(st, f);
                    writeData(st, f, false);
                }
                Http2Headers trailers = st.headersSent
                        ? GrpcResponses.trailers(f.code(), f.text(), f.metadata())
                        : GrpcResponses.trailersOnly(f.code(), f.text(), f.responseHeaders(), f.metadata());
                st.headersSent = true;
                endStream(stream, trailers);
            }
            case Frames.WINDOW_UPDATE -> consume(stream, f.value());
            default -> log.warn("{}: cannot send {} over gRPC", this, f);
        }
    }

    private void sendHeaders(GrpcServerStream st, Frame f) {
        if (!st.headersSent) {
            st.headersSent = true;
            handler()
                    .encoder()
                    .writeHeaders(
                            ctx(),
                            st.id,
                            GrpcResponses.headers(st.gzip, f.responseHeaders()),
                            0,
                            false,
                            ctx().newPromise());
            reader.pingsAllowedAgain();
        }
    }

    private void writeData(GrpcServerStream st, Frame f, boolean end) {
        ByteBuf bytes = (ByteBuf) f.carried();
        f.carried(null);
        handler().encoder().writeData(ctx(), st.id, bytes, 0, end, ctx().voidPromise());
        reader.pingsAllowedAgain();
    }

    /** Sends the last header block; once it is out, resets the stream if the client is still sending. */
    private void endStream(Http2Stream stream, Http2Headers trailers) {
        var promise = ctx().newPromise();
        promise.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess() && stream.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
                // gRPC's "early server closure": the response is complete; the rest of the request is not wanted.
                handler().resetStream(ctx(), stream.id(), Http2Error.NO_ERROR.code(), ctx().newPromise());
                channel.flush();
            }
        });
        handler().encoder().writeHeaders(ctx(), stream.id(), trailers, 0, true, promise);
    }

    /**
     * Ends a call the server aborted. Its status goes in trailers when nothing is stuck in flow control, a passed
     * deadline too: a client that reads a reset (CANCEL) as DEADLINE_EXCEEDED only once its own clock says the
     * deadline passed (gRPC's C core, with a cached clock) would report CANCELLED when the reset comes first.
     * Responses the client is not reading reset the stream (CANCEL), as gRPC's protocol says.
     */
    private void abortStream(GrpcServerStream st, Http2Stream stream, Frame f) {
        boolean stuck = handler().encoder().flowController().hasFlowControlled(stream);
        if (stuck) {
            handler().resetStream(ctx(), stream.id(), Http2Error.CANCEL.code(), ctx().newPromise());
            return;
        }
        Http2Headers trailers = st.headersSent
                ? GrpcResponses.trailers(f.code(), f.text(), null)
                : GrpcResponses.trailersOnly(f.code(), f.text(), null, null);
        st.headersSent = true;
        endStream(stream, trailers);
    }

    /** Returns {@code bytes} of the stream's consumed requests to the client's window. */
    private void consume(Http2Stream stream, int bytes) {
        try {
            handler().decoder().flowController().consumeBytes(stream, bytes);
        } catch (Http2Exception e) {
            log.debug("{}: cannot return {} bytes to stream {}: {}", this, bytes, stream.id(), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- shutdown

    @Override
    public void goAway() {
        goingAway = true;
        channel.eventLoop().execute(reader::startGoAway);
    }

    /** After the final GOAWAY: closes once the calls in flight have ended. Event loop. */
    void finalGoAway() {
        if (!finalGoAwaySent && channel.isActive()) {
            finalGoAwaySent = true;
            int last = handler().connection().remote().lastStreamCreated();
            handler()
                    .goAway(
                            ctx(),
                            last,
                            Http2Error.NO_ERROR.code(),
                            io.netty.buffer.Unpooled.EMPTY_BUFFER,
                            ctx().newPromise());
            channel.flush();
        }
        closeIfDrained();
    }

    private void closeIfDrained() {
        if (finalGoAwaySent && active.get() == 0) {
            channel.close();
        }
    }

    @Override
    public void forceClose(String why) {
        log.debug("{}: closing at once: {}", this, why);
        channel.close();
    }

    @Override
    public void shutdownNow(Status status) {
        for (GrpcServerStream st : List.copyOf(streams.values())) {
            if (st.call != null) {
                st.call.abort(status, true);
            }
        }
        // After the aborted calls' frames, which are already queued for the event loop.
        channel.eventLoop().execute(() -> channel.close());
    }

    @Override
    public int activeCalls() {
        return active.get();
    }

    private void closed() {
        writes.discard();
        Status lost = Status.CANCELLED.withDescription("the client's connection closed (" + remote + ")");
        for (GrpcServerStream st : List.copyOf(streams.values())) {
            if (st.call != null) {
                st.call.abort(lost, false);
            }
        }
        streams.clear();
        server.connectionClosed(this);
    }

    @Override
    public String toString() {
        return "gRPC connection from " + remote;
    }
}
