package dev.conduit.rpc.internal.grpc;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A bare HTTP/2 client for tests: writes whatever frames a test asks for (valid gRPC or not) and records every frame
 * the server sends, in order. Its own event loop, closed with it.
 */
final class H2TestClient implements AutoCloseable {
    /** A frame the server sent. */
    sealed interface Event permits Headers, Data, Reset, GoAway, Ping, Closed {}

    record Headers(int streamId, Http2Headers headers, boolean endStream) implements Event {}

    record Data(int streamId, byte[] bytes, boolean endStream) implements Event {}

    record Reset(int streamId, long errorCode) implements Event {}

    record GoAway(int lastStreamId, long errorCode, String debug) implements Event {}

    record Ping(long data, boolean ack) implements Event {}

    record Closed() implements Event {}

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Event> seen = new ArrayList<>();
    private final List<Event> pending = new ArrayList<>();
    private final Channel channel;
    private final Http2ConnectionHandler handler;

    H2TestClient(int port) throws Exception {
        handler = new Http2ConnectionHandlerBuilder()
                .server(false)
                .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(1 << 20))
                .frameListener(new Recorder())
                .validateHeaders(false)
                .encoderIgnoreMaxHeaderListSize(true) // so that a test can send what the server does not accept
                .build();
        channel = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(handler);
                    }
                })
                .connect("127.0.0.1", port)
                .sync()
                .channel();
        channel.closeFuture().addListener(f -> events.add(new Closed()));
    }

    /** gRPC request headers for {@code method}, with extra fields. */
    static Http2Headers request(String method, String... extra) {
        Http2Headers h = new DefaultHttp2Headers(false)
                .method("POST")
                .scheme("http")
                .path("/" + method)
                .authority("localhost")
                .add("content-type", "application/grpc")
                .add("te", "trailers");
        for (int i = 0; i < extra.length; i += 2) {
            h.add(AsciiString.of(extra[i]), AsciiString.of(extra[i + 1]));
        }
        return h;
    }

    /** A gRPC length-prefixed message holding {@code text} as the test's text codec encodes it. */
    static ByteBuf message(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer(5 + b.length).writeByte(0).writeInt(b.length).writeBytes(b);
    }

    /** Starts stream {@code id} with {@code headers}. */
    void headers(int id, Http2Headers headers, boolean endStream) throws Exception {
        onLoop(() -> handler.encoder().writeHeaders(ctx(), id, headers, 0, endStream, ctx().newPromise()));
    }

    void data(int id, ByteBuf bytes, boolean endStream) throws Exception {
        onLoop(() -> handler.encoder().writeData(ctx(), id, bytes, 0, endStream, ctx().newPromise()));
    }

    void reset(int id, long code) throws Exception {
        onLoop(() -> handler.resetStream(ctx(), id, code, ctx().newPromise()));
    }

    void ping(long data) throws Exception {
        onLoop(() -> handler.encoder().writePing(ctx(), false, data, ctx().newPromise()));
    }

    private ChannelHandlerContext ctx() {
        return channel.pipeline().context(handler);
    }

    /** Runs {@code write} on the event loop and flushes; does nothing once the server has closed the connection. */
    private void onLoop(Callable<?> write) throws Exception {
        channel.eventLoop()
                .submit(() -> {
                    if (ctx() == null) {
                        return null;
                    }
                    write.call();
                    channel.flush();
                    return null;
                })
                .get(10, TimeUnit.SECONDS);
    }

    /**
     * Takes the first event received that matches and has not been taken yet, waiting up to {@code timeout} for it;
     * events that do not match stay for later calls.
     */
    <E extends Event> E await(Class<E> type, Predicate<E> matches, Duration timeout) throws InterruptedException {
        for (var it = pending.iterator(); it.hasNext(); ) {
            Event e = it.next();
            if (type.isInstance(e) && matches.test(type.cast(e))) {
                it.remove();
                return type.cast(e);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                throw new AssertionError(
                        "no " + type.getSimpleName() + " as expected within " + timeout + "; the server sent: " + seen);
            }
            seen.add(e);
            if (type.isInstance(e) && matches.test(type.cast(e))) {
                return type.cast(e);
            }
            pending.add(e);
        }
    }

    <E extends Event> E await(Class<E> type, Predicate<E> matches) throws InterruptedException {
        return await(type, matches, Duration.ofSeconds(20));
    }

    /** Every event of {@code type} received so far, taken or not. */
    <E extends Event> java.util.List<E> received(Class<E> type) {
        java.util.List<E> all = new ArrayList<>();
        Event e;
        while ((e = events.poll()) != null) {
            seen.add(e);
            pending.add(e);
        }
        for (Event s : seen) {
            if (type.isInstance(s)) {
                all.add(type.cast(s));
            }
        }
        return all;
    }

    /**
     * Lets this client open more streams than the server's SETTINGS allow, as a hostile client would: Netty's own
     * client refuses to. Waits for the server's SETTINGS first, since they set the limit.
     */
    void ignoreTheServersStreamLimit() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            boolean limited = channel.eventLoop()
                    .submit(() -> handler.connection().local().maxActiveStreams() != Integer.MAX_VALUE)
                    .get(10, TimeUnit.SECONDS);
            if (limited) {
                channel.eventLoop()
                        .submit(() -> handler.connection().local().maxActiveStreams(Integer.MAX_VALUE))
                        .get(10, TimeUnit.SECONDS);
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the server sent no MAX_CONCURRENT_STREAMS within 10 s");
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() throws Exception {
        channel.close().await(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    private final class Recorder extends GrpcFrameListener {
        @Override
        public void onHeadersRead(
                ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream) {
            events.add(new Headers(streamId, headers, endOfStream));
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean end) {
            events.add(new Data(streamId, ByteBufUtil.getBytes(data), end));
            return data.readableBytes() + padding;
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            events.add(new Reset(streamId, errorCode));
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            events.add(new GoAway(lastStreamId, errorCode, debugData.toString(StandardCharsets.UTF_8)));
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
            events.add(new Ping(data, true));
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
            events.add(new Ping(data, false));
        }
    }
}
