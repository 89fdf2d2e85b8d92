package dev.conduit.rpc.internal.grpc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/2 keepalive: after {@code time} without reading anything, sends a PING; if nothing at all arrives within
 * {@code timeout}, calls {@code onDead}. Sits in front of the HTTP/2 handler and notes every read. Event loop only.
 */
final class KeepAlive extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(KeepAlive.class);

    /** The PING payload of keepalive pings, so that their acks can be told from others. */
    static final long PING_DATA = 0x636f6e6475697421L;

    private final long timeNanos;
    private final long timeoutNanos;
    private final BooleanSupplier wanted;
    private final Runnable ping;
    private final Runnable onDead;
    private boolean readSinceTick;
    private boolean readSincePing;
    private @Nullable ScheduledFuture<?> tick;
    private @Nullable EventExecutor executor;

    /**
     * @param wanted whether pings are due now (a client pings only while it has calls)
     * @param ping writes and flushes a PING with {@link #PING_DATA}
     */
    KeepAlive(Duration time, Duration timeout, BooleanSupplier wanted, Runnable ping, Runnable onDead) {
        this.timeNanos = time.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.wanted = wanted;
        this.ping = ping;
        this.onDead = onDead;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    private void start(ChannelHandlerContext ctx) {
        if (tick == null && timeNanos > 0) {
            executor = ctx.executor();
            tick = ctx.executor().scheduleWithFixedDelay(this::tick, timeNanos, timeNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        readSinceTick = true;
        readSincePing = true;
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        ScheduledFuture<?> t = tick;
        if (t != null) {
            t.cancel(false);
            tick = null;
        }
    }

    private void tick() {
        if (readSinceTick || !wanted.getAsBoolean()) {
            readSinceTick = false;
            return;
        }
        readSincePing = false;
        ping.run();
        EventExecutor e = executor;
        if (e != null) {
            e.schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        if (!readSincePing && tick != null) {
            log.info(
                    "gRPC connection: no answer to a keepalive ping within {} ms; closing it",
                    timeoutNanos / 1_000_000);
            onDead.run();
        }
    }
}
