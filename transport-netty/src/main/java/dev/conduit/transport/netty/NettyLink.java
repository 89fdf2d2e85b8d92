package dev.conduit.transport.netty;

import dev.conduit.core.CloseReason;
import dev.conduit.core.Endpoint;
import dev.conduit.core.FramingException;
import dev.conduit.core.Property;
import dev.conduit.core.spi.InboundBudget;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Link} over a Netty stream channel: the last handler of the pipeline. It cuts the inbound stream into
 * frames with a {@link StreamFramer}, delivers them to the runtime on the event loop, writes frames with their
 * header (batched per event-loop turn, see {@link LinkWriter}), maps pausing to Netty's auto-read, and reports how
 * the channel closed. With an {@link InboundBudget.Account}, what it holds of an unfinished frame counts against the
 * runtime's budget: reading pauses while the budget is exhausted, and the link closes if no room frees in time.
 *
 * <p>Used by both tcp and unix; the transport supplies how to name endpoints and which properties it knows.
 */
public final class NettyLink extends ChannelInboundHandlerAdapter implements Link {
    private static final Logger log = LoggerFactory.getLogger(NettyLink.class);
    private static final int DISCARD_THRESHOLD = 64 << 10;

    /** Names a Netty channel's two ends as Conduit endpoints. */
    public interface Naming {
        /** This side's endpoint. */
        Endpoint local(Channel channel);

        /** The peer's endpoint. */
        Endpoint remote(Channel channel);
    }

    /** The transport-specific facts a link can report, such as a TLS peer certificate. */
    public interface Properties {
        /** The value for {@code key}, or null if unknown. Called from any thread. */
        <V> @Nullable V get(Property<V> key, Channel channel);

        /** A source that knows nothing. */
        Properties NONE = new Properties() {
            @Override
            public <V> @Nullable V get(Property<V> key, Channel channel) {
                return null;
            }
        };
    }

    private final StreamFramer framer;
    private final LinkBinder binder;
    private final Naming naming;
    private final Properties properties;
    private final CompletableFuture<Void> active = new CompletableFuture<>();
    private volatile @Nullable Channel channel;
    private volatile Endpoint local;
    private volatile Endpoint remote;
    private volatile boolean localClose;
    private @Nullable LinkListener listener;
    private @Nullable ByteBuf cumulation;
    private @Nullable Throwable error;
    /** Set when the channel becomes active, before the link is bound; writes before that cannot happen. */
    private volatile @Nullable LinkWriter writer;

    private final InboundBudget.@Nullable Account budget;
    /** Reading paused by the runtime (a full receive buffer) and by the budget; auto-read is on when neither is. */
    private volatile boolean appPaused;

    private volatile boolean budgetPaused;
    /** Event loop: closes the link if the budget stays exhausted; null while not waiting. */
    private @Nullable ScheduledFuture<?> budgetTimer;

    public NettyLink(StreamFramer framer, LinkBinder binder, Naming naming, Properties properties) {
        this(framer, binder, naming, properties, null);
    }

    /** A link whose partial frames count against {@code budget} (the runtime's {@link InboundBudget}). */
    public NettyLink(
            StreamFramer framer,
            LinkBinder binder,
            Naming naming,
            Properties properties,
            InboundBudget.@Nullable Account budget) {
        this.framer = framer;
        this.binder = binder;
        this.naming = naming;
        this.properties = properties;
        this.budget = budget;
    }

    /**
     * Completes once the channel is active and the link is bound to the runtime; fails if the channel closes first.
     * A transport's {@code connect} returns this, combined with its connect result.
     */
    public CompletableFuture<Void> activeFuture() {
        return active;
    }

    // ---------------------------------------------------------------- Netty side (event loop)

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    /**
     * Whether an empty outbound buffer after a flush means the frames are in the socket: not with a handler before
     * the link that holds writes back until it can send them, such as TLS.
     */
    private static boolean writesStraightToSocket(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(SslHandler.class) == null;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        local = naming.local(ch);
        remote = naming.remote(ch);
        writer = new LinkWriter(ch, writesStraightToSocket(ctx));
        try {
            listener = binder.bind(this);
        } catch (RuntimeException e) {
            log.warn("binding {} failed; closing it", ch, e);
            error = e;
            ctx.close();
            return;
        }
        active.complete(null);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        LinkListener l = listener;
        if (l == null || error != null || localClose) {
            in.release();
            return;
        }
        ByteBuf cum = cumulate(ctx, in);
        try {
            framer.decode(cum, l);
        } catch (FramingException e) {
            fail(ctx, e);
            return;
        }
        if (cumulation != cum) {
            return; // a close during delivery released it
        }
        if (!cum.isReadable()) {
            cumulation = null;
            cum.release();
        } else if (cum.readerIndex() > DISCARD_THRESHOLD) {
            cum.discardSomeReadBytes();
        }
        InboundBudget.Account b = budget;
        if (b != null && !b.hold(cumulation == null ? 0 : cumulation.readableBytes()) && !budgetPaused) {
            awaitBudget(ctx, b);
        }
    }

    /** The budget is exhausted: reading pauses until room frees, and the link closes if none does in time. */
    private void awaitBudget(ChannelHandlerContext ctx, InboundBudget.Account b) {
        budgetPaused = true;
        applyAutoRead();
        long started = System.nanoTime();
        budgetTimer = ctx.executor()
                .schedule(
                        () -> {
                            var exhausted =
                                    budgetPaused ? b.giveUp(Duration.ofNanos(System.nanoTime() - started)) : null;
                            if (exhausted != null) {
                                fail(ctx, exhausted);
                            } else {
                                budgetRoom(ctx, b); // room freed just now: its call-back may still be queued
                            }
                        },
                        b.maxWait().toNanos(),
                        TimeUnit.NANOSECONDS);
        b.whenRoom(() -> ctx.executor().execute(() -> budgetRoom(ctx, b)));
    }

    private void budgetRoom(ChannelHandlerContext ctx, InboundBudget.Account b) {
        if (!budgetPaused || error != null) {
            return;
        }
        if (!b.fits()) {
            b.whenRoom(() -> ctx.executor().execute(() -> budgetRoom(ctx, b)));
            return;
        }
        budgetPaused = false;
        cancelBudgetTimer();
        applyAutoRead();
    }

    private void cancelBudgetTimer() {
        ScheduledFuture<?> t = budgetTimer;
        budgetTimer = null;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void applyAutoRead() {
        Channel ch = channel;
        if (ch != null) {
            ch.config().setAutoRead(!(appPaused || budgetPaused));
        }
    }

    /**
     * Appends {@code in} to the bytes kept from earlier reads and returns them. The result is stored in {@link
     * #cumulation} before any frame is delivered, so that every path that ends the link (a framing error, a close
     * during delivery) releases exactly the buffer that holds the bytes.
     */
    private ByteBuf cumulate(ChannelHandlerContext ctx, ByteBuf in) {
        ByteBuf cum = cumulation;
        if (cum == null) {
            cumulation = in;
            return in;
        }
        int required = cum.readableBytes() + in.readableBytes();
        if (cum.writableBytes() < in.readableBytes() || cum.refCnt() > 1 || cum.isReadOnly()) {
            int capacity = ctx.alloc().calculateNewCapacity(required, Integer.MAX_VALUE);
            ByteBuf bigger = ctx.alloc().buffer(capacity);
            bigger.writeBytes(cum);
            cum.release();
            cum = bigger;
            cumulation = bigger;
        }
        cum.writeBytes(in);
        in.release();
        return cum;
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (error == null) {
            error = cause;
        }
        releaseCumulation();
        ctx.close();
    }

    private void releaseCumulation() {
        ByteBuf cum = cumulation;
        cumulation = null;
        if (cum != null) {
            cum.release();
        }
        InboundBudget.Account b = budget;
        if (b != null) {
            budgetPaused = false;
            cancelBudgetTimer();
            b.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        fail(ctx, c);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ByteBuf cum = cumulation;
        if (cum != null && error == null && !localClose) {
            try {
                framer.finish(cum);
            } catch (FramingException e) {
                error = e;
            }
        }
        releaseCumulation();
        CloseReason reason =
                localClose ? CloseReason.LOCAL : error != null ? CloseReason.error(error) : CloseReason.PEER;
        if (!active.isDone()) {
            active.completeExceptionally(error != null ? error : new ClosedChannelException());
        }
        LinkListener l = listener;
        listener = null;
        if (l != null) {
            l.onClosed(reason);
        }
        LinkWriter w = writer;
        if (w != null) {
            w.close(error); // after onClosed, so that the runtime reports failed sends with the close reason
        }
        ctx.fireChannelInactive();
    }

    // ---------------------------------------------------------------- Link side (any thread)

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return remote;
    }

    @Override
    public int headroom() {
        return framer.headroom();
    }

    @Override
    public void write(ByteBuf frame, WriteCallback callback) {
        try {
            framer.encode(frame);
        } catch (FramingException e) {
            frame.release();
            callback.writeComplete(e);
            return;
        }
        LinkWriter w = writer;
        if (w == null) {
            frame.release();
            callback.writeComplete(new ClosedChannelException());
            return;
        }
        w.write(frame, callback);
    }

    @Override
    public void setReadPaused(boolean paused) {
        appPaused = paused;
        applyAutoRead();
    }

    @Override
    public void close() {
        localClose = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public <V> @Nullable V property(Property<V> key) {
        Channel ch = channel;
        return ch == null ? null : properties.get(key, ch);
    }

    @Override
    public String toString() {
        return "netty-link(" + channel + ")";
    }
}
