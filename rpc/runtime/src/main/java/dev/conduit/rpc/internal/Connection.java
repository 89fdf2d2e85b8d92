package dev.conduit.rpc.internal;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.CodecException;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.MessageHandler;
import dev.conduit.rpc.Status;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RPC connection over one channel: the HELLO exchange, connection-level frames (PING, PONG, GOAWAY), keepalive
 * and protocol errors. Subclasses own the calls. Frames arrive on the transport's thread, one at a time, and are
 * handled there: the channel's handler runs on the direct executor, so no thread hop is added before a frame reaches
 * its call.
 */
abstract class Connection implements MessageHandler<Frame> {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    final Channel<Frame> channel;
    final RpcConfig config;
    /** The peer's HELLO settings, once received. */
    volatile int peerMaxMessageSize = RpcConfig.DEFAULT_MAX_MESSAGE_SIZE;

    volatile int peerInitialWindow = RpcConfig.DEFAULT_INITIAL_WINDOW;

    private boolean helloReceived; // transport thread only
    private volatile boolean readSinceTick;
    private volatile boolean readSincePing;
    private volatile @Nullable ScheduledFuture<?> keepAliveTask;
    private volatile @Nullable String closeCause;

    Connection(Channel<Frame> channel, RpcConfig config) {
        this.channel = channel;
        this.config = config;
    }

    /** Starts receiving frames, on the transport thread. */
    void start() {
        channel.onMessage(this, Channel.DIRECT);
    }

    /** Starts keepalive pings, if configured; only once HELLOs have been exchanged, since nothing may precede them. */
    void startKeepAlive() {
        long interval = config.keepAliveTime().toNanos();
        if (interval > 0 && channel.isOpen()) {
            keepAliveTask = config.scheduler()
                    .scheduleWithFixedDelay(this::keepAliveTick, interval, interval, TimeUnit.NANOSECONDS);
            if (!channel.isOpen()) {
                keepAliveTask.cancel(false);
            }
        }
    }

    // ---------------------------------------------------------------- inbound

    @Override
    public final void onMessage(Channel<Frame> ch, Frame f) {
        readSinceTick = true;
        readSincePing = true;
        RpcThread mark = TransportThread.enter();
        try {
            dispatch(f);
        } catch (RuntimeException e) {
            log.error("RPC connection {} failed handling {}; closing it", this, f, e);
            protocolError(Status.Code.INTERNAL, "internal error handling " + f);
        } finally {
            TransportThread.exit(mark);
        }
    }

    private void dispatch(Frame f) {
        if (log.isTraceEnabled()) {
            log.trace("{} received {}", this, f);
        }
        if (!helloReceived) {
            if (f.type == Frames.HELLO) {
                helloReceived = true;
                onHello(f);
            } else if (f.type == Frames.GOAWAY) {
                onGoAway(f);
            } else {
                notHello(f);
            }
            return;
        }
        if (f.type == Frames.MALFORMED) {
            protocolError(Status.Code.INTERNAL, "protocol error: " + f.text);
            return;
        }
        switch (f.type) {
            case Frames.HELLO -> protocolError(Status.Code.INTERNAL, "protocol error: a second HELLO");
            case Frames.PING -> write(Frame.ping(Frames.PONG, f.pingData()));
            case Frames.PONG -> {}
            case Frames.GOAWAY -> onGoAway(f);
            case Frames.CALL_START,
                    Frames.MESSAGE,
                    Frames.HALF_CLOSE,
                    Frames.CALL_END,
                    Frames.CANCEL,
                    Frames.WINDOW_UPDATE -> onCallFrame(f);
            default -> log.debug("{}: ignoring a frame of unknown type {}", this, f.type);
        }
    }

    /** Checks the peer's HELLO and records its settings; returns false (after closing) if it is not acceptable. */
    boolean acceptHello(Frame f) {
        if (f.value != Frames.VERSION) {
            protocolError(
                    Status.Code.UNIMPLEMENTED,
                    "protocol version " + f.value + " is not supported; this side speaks version " + Frames.VERSION);
            return false;
        }
        int maxMessageSize = f.maxMessageSize();
        int initialWindow = f.initialWindow();
        if (maxMessageSize == 0 || initialWindow == 0 || maxMessageSize < -1 || initialWindow < -1) {
            protocolError(Status.Code.INTERNAL, "protocol error: HELLO settings must be positive");
            return false;
        }
        if (maxMessageSize > 0) {
            peerMaxMessageSize = maxMessageSize;
        }
        if (initialWindow > 0) {
            peerInitialWindow = initialWindow;
        }
        return true;
    }

    abstract void onHello(Frame f);

    /** The peer's first frame is not a HELLO (or not even a frame): a protocol error. */
    void notHello(Frame f) {
        protocolError(
                Status.Code.INTERNAL,
                f.type == Frames.MALFORMED
                        ? "protocol error: " + f.text
                        : "protocol error: the first frame must be HELLO (magic 0x43525043)");
    }

    /** How a close for {@code why} is described to the calls it fails; names the peer. */
    String describeClose(String why) {
        return why + " (" + channel.remoteEndpoint() + ")";
    }

    abstract void onGoAway(Frame f);

    abstract void onCallFrame(Frame f);

    /** The channel closed: fail or cancel every call. Called once. */
    abstract void connectionClosed(Status status);

    @Override
    public final void onClose(Channel<Frame> ch, CloseReason reason) {
        ScheduledFuture<?> task = keepAliveTask;
        if (task != null) {
            task.cancel(false);
        }
        String cause = closeCause;
        String why = cause != null
                ? cause
                : switch (reason.kind()) {
                    case LOCAL -> "connection closed";
                    case PEER -> "connection closed by the peer";
                    case ERROR -> "connection failed: " + reason.error();
                };
        connectionClosed(Status.UNAVAILABLE.withDescription(describeClose(why)));
    }

    // ---------------------------------------------------------------- outbound

    /**
     * Writes one frame. Returns false if the channel is closed (the close handler fails the calls) or the frame
     * cannot be encoded, in which case {@link #sendFailed} says why.
     */
    public boolean write(Frame f) {
        if (log.isTraceEnabled()) {
            log.trace("{} sends {}", this, f);
        }
        try {
            if (channel.offer(f)) {
                return true;
            }
            // RPC sets the channel's sendLimit to its maximum: per-call credit bounds what is pending.
            closeWithCause("connection send buffer overflow");
            return false;
        } catch (ChannelClosedException e) {
            return false;
        } catch (CodecException e) {
            sendFailed(f, encodeFailure(f, e));
            return false;
        } catch (FrameTooLargeException e) {
            sendFailed(f, Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()));
            return false;
        }
    }

    private static Status encodeFailure(Frame f, CodecException e) {
        Throwable cause = e.getCause();
        if (cause instanceof MessageTooLargeException tooLarge) {
            return Status.RESOURCE_EXHAUSTED.withDescription(tooLarge.getMessage());
        }
        String what = f.type == Frames.CALL_END || f.type == Frames.MESSAGE ? "message" : "frame";
        return Status.INTERNAL
                .withDescription("could not encode " + what + ": " + (cause != null ? cause : e))
                .withCause(e);
    }

    /** A frame of a call could not be encoded; the call must end with {@code status}. */
    abstract void sendFailed(Frame f, Status status);

    /** Sends GOAWAY with {@code code} and {@code message}, then closes the connection. */
    void protocolError(Status.Code code, String message) {
        log.info("RPC connection {}: {}; closing it", this, message);
        closeAfterFlush(Frame.goaway(lastCallIdForGoAway(), code.value(), message), message);
    }

    /**
     * Closes once every frame written so far, and {@code last} if given, has been taken by the transport, so that a
     * final CALL_END or GOAWAY is not lost to the close (a PING marks the point when there is no last frame). Closes
     * anyway after a few seconds if the peer does not read.
     */
    void closeAfterFlush(@Nullable Frame last, String cause) {
        if (closeCause == null) {
            closeCause = cause;
        }
        if (!channel.isOpen()) {
            return;
        }
        try {
            channel.send(last != null ? last : Frame.ping(Frames.PING, 0)).whenComplete((v, e) -> channel.close());
        } catch (RuntimeException e) {
            channel.close();
            return;
        }
        try {
            config.scheduler().schedule(channel::close, 5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The owner is closing: its runtime closes the channel if the send does not complete.
        }
    }

    int lastCallIdForGoAway() {
        return 0;
    }

    void closeWithCause(String cause) {
        if (closeCause == null) {
            closeCause = cause;
        }
        channel.close();
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    // ---------------------------------------------------------------- keepalive

    private void keepAliveTick() {
        if (!channel.isOpen()) {
            return;
        }
        if (readSinceTick) {
            readSinceTick = false;
            return;
        }
        readSincePing = false;
        write(Frame.ping(Frames.PING, System.nanoTime()));
        long timeout = config.keepAliveTimeout().toNanos();
        config.scheduler().schedule(this::keepAliveCheck, timeout, TimeUnit.NANOSECONDS);
    }

    private void keepAliveCheck() {
        if (!readSincePing && channel.isOpen()) {
            log.info(
                    "RPC connection {}: no answer to a keepalive ping within {}; closing it",
                    this,
                    config.keepAliveTimeout());
            closeWithCause("keepalive: no answer to a ping within "
                    + config.keepAliveTimeout().toMillis() + " ms");
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + channel.localEndpoint() + " <-> " + channel.remoteEndpoint() + ")";
    }
}
