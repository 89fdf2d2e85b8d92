package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.CarriedCall;
import dev.conduit.rpc.internal.CarrierListener;
import dev.conduit.rpc.internal.ClientCarrier;
import dev.conduit.rpc.internal.Frame;
import dev.conduit.rpc.internal.Frames;
import dev.conduit.rpc.internal.RpcConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's HTTP/2 connection to a gRPC server: the carrier of its calls, each on its own stream. Calls write
 * frames from any thread ({@link #write}); they are encoded there and written on the event loop in batches, where
 * streams are started in order. Responses are read by {@link GrpcClientReader}. As on the server, a call's credit
 * for requests is its stream's HTTP/2 window: the server's initial window, given back by its WINDOW_UPDATEs.
 */
final class GrpcClientConnection extends Http2Attachment implements ClientCarrier {
    private static final Logger log = LoggerFactory.getLogger(GrpcClientConnection.class);

    final Channel channel;
    final GrpcEndpoint endpoint;
    final RpcConfig config;
    final CarrierListener owner;
    final GrpcClientReader reader;
    final CompletableFuture<ClientCarrier> ready = new CompletableFuture<>();
    /** Every call's stream by call id, from registration until its stream closes (or it ends without one). */
    final ConcurrentHashMap<Integer, GrpcClientStream> calls = new ConcurrentHashMap<>();
    /** Calls registered and not yet ended. */
    final AtomicInteger active = new AtomicInteger();
    /** Event loop only: streams by HTTP/2 stream id. */
    final IntObjectHashMap<GrpcClientStream> byStream = new IntObjectHashMap<>();

    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicLong started = new AtomicLong();
    private final WriteQueue writes;
    private final AsciiString scheme;
    private final AsciiString authority;
    volatile long sendCredit = 65_535;
    volatile boolean draining;
    private long startedAtLastIdleCheck;

    GrpcClientConnection(Channel channel, GrpcEndpoint endpoint, RpcConfig config, CarrierListener owner) {
        this.channel = channel;
        this.endpoint = endpoint;
        this.config = config;
        this.owner = owner;
        this.writes = new WriteQueue(channel, this::writeFrame);
        this.reader = new GrpcClientReader(this);
        this.scheme = endpoint.tls() ? AsciiString.cached("https") : AsciiString.cached("http");
        this.authority = AsciiString.of(endpoint.authority());
        channel.closeFuture().addListener(f -> closed());
    }

    // ---------------------------------------------------------------- ClientCarrier

    @Override
    public int register(CarriedCall call) {
        if (draining || !channel.isActive()) {
            return 0;
        }
        int id = nextId.getAndIncrement();
        if (id <= 0) {
            draining = true; // ids used up: finish the calls in flight, then close
            return 0;
        }
        calls.put(id, new GrpcClientStream(id, call, config.maxMessageSize(), config.initialWindow()));
        active.incrementAndGet();
        started.incrementAndGet();
        if (draining) {
            // GOAWAY raced with this registration: the call goes elsewhere
            calls.remove(id);
            active.decrementAndGet();
            return 0;
        }
        return id;
    }

    /**
     * The call has ended. Its stream stays known until it closes, since the frames that end it (a CANCEL, for
     * instance) may still be on their way to the event loop.
     */
    @Override
    public void remove(int id) {
        int left = active.decrementAndGet();
        channel.eventLoop().execute(() -> {
            GrpcClientStream st = calls.get(id);
            if (st != null && st.streamId == 0) {
                calls.remove(id); // never started a stream: nothing will close
            }
            if (draining && left == 0) {
                closeGracefully();
            }
        });
    }

    @Override
    public boolean write(Frame f) {
        GrpcClientStream st = calls.get(f.callId());
        if (st == null) {
            return false;
        }
        if (f.type() == Frames.CALL_START) {
            st.gzip = "gzip".equals(f.encoding());
        }
        if (f.carriesMessage()) {
            try {
                f.carried(MessageFramer.encode(f, channel.alloc(), st.gzip));
            } catch (MessageFramer.EncodeException e) {
                st.call.sendFailed(f, e.status);
                return false;
            }
        }
        writes.enqueue(f);
        return true;
    }

    @Override
    public long initialSendCredit() {
        return sendCredit;
    }

    @Override
    public int peerMaxMessageSize() {
        return Integer.MAX_VALUE; // gRPC servers enforce their own limit and answer RESOURCE_EXHAUSTED
    }

    @Override
    public boolean acceptsCalls() {
        return !draining && channel.isActive();
    }

    @Override
    public void drain() {
        draining = true;
        if (active.get() == 0) {
            channel.eventLoop().execute(this::closeGracefully);
        }
    }

    @Override
    public void cancelAll(Status status) {
        for (GrpcClientStream st : List.copyOf(calls.values())) {
            st.call.abort(status, true);
        }
        channel.eventLoop().execute(() -> channel.close()); // after the calls' RST_STREAMs, queued already
    }

    @Override
    public int activeCalls() {
        return active.get();
    }

    // ---------------------------------------------------------------- writing (event loop)

    private void writeFrame(Frame f) {
        GrpcClientStream st = calls.get(f.callId());
        if (st == null) {
            WriteQueue.release(f);
            return;
        }
        switch (f.type()) {
            case Frames.CALL_START -> startStream(st, f);
            case Frames.MESSAGE -> writeData(st, f, false);
            case Frames.HALF_CLOSE -> {
                if (st.streamId > 0) {
                    handler()
                            .encoder()
                            .writeData(ctx(), st.streamId, Unpooled.EMPTY_BUFFER, 0, true, ctx().newPromise());
                }
            }
            case Frames.CANCEL -> {
                if (st.streamId > 0) {
                    handler().resetStream(ctx(), st.streamId, Http2Error.CANCEL.code(), ctx().newPromise());
                }
            }
            case Frames.WINDOW_UPDATE -> consume(st, f.value());
            default -> log.warn("{}: cannot send {} over gRPC", this, f);
        }
    }

    private void startStream(GrpcClientStream st, Frame f) {
        int id = handler().connection().local().incrementAndGetNextStreamId();
        if (id < 0) {
            WriteQueue.release(f);
            draining = true;
            st.call.abort(Status.UNAVAILABLE.withDescription("the connection ran out of stream ids"), false);
            return;
        }
        st.streamId = id;
        byStream.put(id, st);
        boolean end = f.has(Frames.FLAG_HALF_CLOSE);
        boolean message = f.carriesMessage();
        var promise = ctx().newPromise();
        promise.addListener(done -> {
            if (!done.isSuccess()) {
                st.call.refused(Status.UNAVAILABLE
                        .withDescription("could not start the call's stream: " + done.cause())
                        .withCause(done.cause()));
            }
        });
        handler().encoder().writeHeaders(ctx(), id, requestHeaders(st, f), 0, end && !message, promise);
        if (message) {
            writeData(st, f, end);
        }
    }

    private Http2Headers requestHeaders(GrpcClientStream st, Frame f) {
        Http2Headers h = new DefaultHttp2Headers(false)
                .method(GrpcHeaders.POST)
                .scheme(scheme)
                .path(AsciiString.of("/" + f.method()))
                .authority(authority);
        if (f.has(Frames.FLAG_DEADLINE)) {
            h.add(GrpcHeaders.GRPC_TIMEOUT, GrpcHeaders.formatTimeout(f.timeoutNanos()));
        }
        h.add(GrpcHeaders.CONTENT_TYPE, GrpcHeaders.APPLICATION_GRPC)
                .add(GrpcHeaders.TE, GrpcHeaders.TRAILERS)
                .add(GrpcHeaders.USER_AGENT, GrpcHeaders.USER_AGENT_VALUE);
        if (st.gzip) {
            h.add(GrpcHeaders.GRPC_ENCODING, GrpcHeaders.GZIP);
        }
        h.add(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcHeaders.GZIP);
        if (f.metadata() != null) {
            GrpcHeaders.addMetadata(h, f.metadata());
        }
        return h;
    }

    private void writeData(GrpcClientStream st, Frame f, boolean end) {
        ByteBuf bytes = (ByteBuf) f.carried();
        f.carried(null);
        if (st.streamId <= 0) {
            if (bytes != null) {
                bytes.release();
            }
            return;
        }
        handler().encoder().writeData(ctx(), st.streamId, bytes, 0, end, ctx().voidPromise());
    }

    private void consume(GrpcClientStream st, int bytes) {
        Http2Stream stream = st.streamId > 0 ? handler().connection().stream(st.streamId) : null;
        if (stream != null) {
            try {
                handler().decoder().flowController().consumeBytes(stream, bytes);
            } catch (Http2Exception e) {
                log.debug("{}: cannot return {} bytes to stream {}: {}", this, bytes, st.streamId, e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Closes idle connections: none of its calls ran since the last check, and none is open. Event loop. */
    void startIdleCheck(long idleNanos) {
        if (idleNanos > 0) {
            channel.eventLoop().scheduleWithFixedDelay(this::idleCheck, idleNanos, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void idleCheck() {
        long now = started.get();
        if (active.get() == 0 && now == startedAtLastIdleCheck && !draining) {
            log.debug("{}: idle; closing it", this);
            draining = true;
            owner.goAwayReceived(this);
            closeGracefully();
        }
        startedAtLastIdleCheck = now;
    }

    /** Closes with GOAWAY once no call is left. Event loop. */
    void closeGracefully() {
        if (active.get() == 0 && channel.isActive()) {
            channel.close();
        }
    }

    private void closed() {
        writes.discard();
        Status lost = Status.UNAVAILABLE.withDescription("the connection to " + endpoint.describe() + " closed");
        ready.completeExceptionally(lost.asException());
        for (GrpcClientStream st : List.copyOf(calls.values())) {
            st.call.abort(lost, false);
        }
        owner.closed(this, lost);
    }

    @Override
    public String toString() {
        return "gRPC connection to " + endpoint.describe();
    }
}
