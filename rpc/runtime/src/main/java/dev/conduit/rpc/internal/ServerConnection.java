package dev.conduit.rpc.internal;

import dev.conduit.core.Channel;
import dev.conduit.core.Endpoint;
import dev.conduit.rpc.Status;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ObjIntConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of one connection: answers the client's HELLO, starts calls from CALL_START frames, routes the
 * other call frames by id, and drains on GOAWAY. Frames for ids it does not know (calls that just ended) are
 * ignored, as the protocol says.
 */
final class ServerConnection extends Connection implements ServerCarrier, ServedConnection {
    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);

    private final ServerCore server;
    private final CallTable calls = new CallTable();
    /** Made once: what {@link ServerCore#startCall} registers a new call with. */
    private final ObjIntConsumer<CarriedCall> register = (call, id) -> calls.put(id, call);

    private volatile int lastCallId;
    private volatile boolean goingAway;
    private volatile boolean aborting;
    private final AtomicBoolean goAwaySent = new AtomicBoolean();
    /** Calls that have ended whose last frame is not written yet (see {@link #callEnded}). */
    private final AtomicInteger endsInFlight = new AtomicInteger();

    private volatile boolean ready;
    private volatile @Nullable ScheduledFuture<?> handshakeTimer;

    ServerConnection(Channel<Frame> channel, RpcConfig config, ServerCore server) {
        super(channel, config);
        this.server = server;
    }

    @Override
    void start() {
        long timeout = config.handshakeTimeout().toNanos();
        handshakeTimer = config.scheduler().schedule(this::handshakeTimedOut, timeout, TimeUnit.NANOSECONDS);
        super.start();
    }

    private void handshakeTimedOut() {
        if (!ready) {
            log.info("RPC connection {}: no HELLO within {}; closing it", this, config.handshakeTimeout());
            closeWithCause("no HELLO within " + config.handshakeTimeout().toMillis() + " ms");
        }
    }

    @Override
    public Executor executor() {
        return server.executor();
    }

    @Override
    public RpcConfig config() {
        return config;
    }

    @Override
    public long initialSendCredit() {
        return peerInitialWindow;
    }

    @Override
    public int peerMaxMessageSize() {
        return peerMaxMessageSize;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return channel.remoteEndpoint();
    }

    @Override
    public boolean sendsResponseHeaders() {
        return false;
    }

    @Override
    void onHello(Frame f) {
        ScheduledFuture<?> timer = handshakeTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        if (!acceptHello(f)) {
            return;
        }
        write(Frame.hello(config.maxMessageSize(), config.initialWindow()));
        startKeepAlive();
        ready = true;
        if (goingAway) {
            sendGoAway();
        }
    }

    @Override
    void onGoAway(Frame f) {
        log.debug("{}: the client sent GOAWAY ({}); it will close the connection", this, f.text);
    }

    @Override
    void onCallFrame(Frame f) {
        if (f.type == Frames.CALL_START) {
            startCall(f);
            return;
        }
        if (f.type == Frames.CALL_END) {
            protocolError(Status.Code.INTERNAL, "protocol error: CALL_END sent by a client");
            return;
        }
        CarriedCall call = calls.get(f.callId);
        if (call != null) {
            call.onFrame(f);
        } else {
            log.debug("{}: ignoring {} for a call that is not active", this, f);
        }
    }

    private void startCall(Frame f) {
        int id = f.callId;
        if (id == 0 || calls.get(id) != null) {
            protocolError(
                    Status.Code.INTERNAL,
                    "protocol error: CALL_START with call id " + Integer.toUnsignedString(id)
                            + (id == 0 ? ", which is reserved" : ", which is in use"));
            return;
        }
        // Ids are unique but may arrive out of order (clients assign them on several threads); GOAWAY names the
        // highest one seen.
        if (Integer.compareUnsigned(id, lastCallId) > 0) {
            lastCallId = id;
        }
        if (goingAway) {
            reject(id, Status.Code.UNAVAILABLE, "the server is shutting down");
            return;
        }
        if (!server.startCall(this, f, register)) {
            reject(id, Status.Code.UNIMPLEMENTED, "method not found: " + f.method());
        }
    }

    private void reject(int id, Status.Code code, String message) {
        write(Frame.status(Frames.CALL_END, id, code.value(), message));
    }

    /**
     * A call has ended; called once per call, before its last frame is written. Its id is free from now on (a
     * CALL_START that reuses it is a new call); {@link #endWritten} follows once that last frame is out.
     */
    @Override
    public void callEnded(int id) {
        endsInFlight.incrementAndGet();
        calls.remove(id);
    }

    /** The last frame of an ended call has been written (or dropped): a draining connection may now close. */
    @Override
    public void endWritten() {
        endsInFlight.decrementAndGet();
        closeIfDrained();
    }

    /**
     * Closes a connection that is going away once no call is left and every call's last frame has been written, so
     * that the close never overtakes a CALL_END. Checked after each change to either count, so the last one closes.
     */
    private void closeIfDrained() {
        if (!goingAway || !calls.isEmpty() || endsInFlight.get() != 0) {
            return;
        }
        if (ready) {
            closeAfterFlush(null, "server shut down");
        } else if (aborting) {
            closeWithCause("server shut down"); // no HELLO yet: nothing may be sent before ours
        }
    }

    @Override
    void sendFailed(Frame f, Status status) {
        if (f.type == Frames.CALL_END && !f.abortEnd) {
            // The call has ended as far as its handler knows (its id is already free): the client gets the failure.
            write(Frame.status(Frames.CALL_END, f.callId, status.code().value(), status.description()));
            return;
        }
        CarriedCall call = calls.get(f.callId);
        if (call != null) {
            call.sendFailed(f, status);
        } else {
            log.warn("{}: could not send {}: {}", this, f, status);
        }
    }

    @Override
    int lastCallIdForGoAway() {
        return lastCallId;
    }

    /** Graceful shutdown: no new calls; close once the calls in flight have ended. */
    @Override
    public void goAway() {
        goingAway = true;
        if (ready) {
            sendGoAway();
        }
    }

    private void sendGoAway() {
        if (!goAwaySent.compareAndSet(false, true)) {
            return;
        }
        Frame goaway = Frame.goaway(lastCallId, Status.Code.UNAVAILABLE.value(), "the server is shutting down");
        if (calls.isEmpty() && endsInFlight.get() == 0) {
            closeAfterFlush(goaway, "server shut down");
        } else {
            write(goaway);
        }
    }

    /**
     * The end of a shutdown: GOAWAY (if not sent yet), a CALL_END with {@code status} for every call in flight, and
     * the close once those are written. Calls that end meanwhile keep their own CALL_END.
     */
    @Override
    public void shutdownNow(Status status) {
        aborting = true;
        goAway();
        for (CallTable.Registered r : calls.snapshot()) {
            r.call().abort(status, true);
        }
        closeIfDrained();
    }

    @Override
    public void forceClose(String why) {
        closeWithCause(why);
    }

    @Override
    public int activeCalls() {
        return calls.size();
    }

    @Override
    void connectionClosed(Status status) {
        ScheduledFuture<?> timer = handshakeTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        Status cancelled = Status.CANCELLED.withDescription("the client's connection closed: " + status.description());
        for (CallTable.Registered r : calls.snapshot()) {
            r.call().abort(cancelled, false);
        }
        server.connectionClosed(this);
    }
}
