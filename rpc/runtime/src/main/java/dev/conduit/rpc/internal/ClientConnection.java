package dev.conduit.rpc.internal;

import dev.conduit.core.Channel;
import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of one connection: sends HELLO, hands out call ids, routes MESSAGE, CALL_END and WINDOW_UPDATE
 * frames to their calls, honours GOAWAY, and closes itself after an idle period without calls.
 */
final class ClientConnection extends Connection implements ClientCarrier {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    private final CarrierListener owner;
    private final CallTable calls = new CallTable();
    /** The next call id; as ids are never reused, also how many calls have started (the idle check reads it). */
    private final AtomicInteger nextId = new AtomicInteger(1);

    private final CompletableFuture<ClientConnection> ready = new CompletableFuture<>();
    private final Duration idleTimeout;
    private volatile boolean draining;
    private long startedAtLastIdleCheck;
    private @Nullable ScheduledFuture<?> idleTask;

    ClientConnection(Channel<Frame> channel, RpcConfig config, CarrierListener owner, Duration idleTimeout) {
        super(channel, config);
        this.owner = owner;
        this.idleTimeout = idleTimeout;
    }

    /** Starts the HELLO exchange; the future completes when the server has answered. */
    CompletableFuture<ClientConnection> handshake() {
        start();
        write(Frame.hello(config.maxMessageSize(), config.initialWindow()));
        long timeout = config.handshakeTimeout().toNanos();
        ScheduledFuture<?> timer = config.scheduler()
                .schedule(
                        () -> {
                            if (ready.completeExceptionally(Status.UNAVAILABLE
                                    .withDescription(owner.target() + " sent no HELLO within "
                                            + config.handshakeTimeout().toMillis()
                                            + " ms (not a Conduit RPC server, or too busy to answer)")
                                    .asException())) {
                                closeWithCause("handshake timed out");
                            }
                        },
                        timeout,
                        TimeUnit.NANOSECONDS);
        ready.whenComplete((c, e) -> timer.cancel(false));
        return ready;
    }

    @Override
    void onHello(Frame f) {
        if (acceptHello(f)) {
            startKeepAlive();
            long idle = idleTimeout.toNanos();
            if (idle > 0) {
                idleTask = config.scheduler().scheduleWithFixedDelay(this::idleCheck, idle, idle, TimeUnit.NANOSECONDS);
                if (!channel.isOpen()) {
                    idleTask.cancel(false);
                }
            }
            ready.complete(this);
        }
    }

    @Override
    public long initialSendCredit() {
        return peerInitialWindow;
    }

    @Override
    public int peerMaxMessageSize() {
        return peerMaxMessageSize;
    }

    /** Whether new calls may use this connection. */
    @Override
    public boolean acceptsCalls() {
        return !draining && channel.isOpen();
    }

    /**
     * Registers a call and returns its id; 0 if the connection takes no more calls (then nothing is registered).
     */
    @Override
    public int register(CarriedCall call) {
        int id = nextId.getAndIncrement();
        if (id == 0 || draining) {
            draining = true; // the id space is used up: finish the calls in flight, then close
            return 0;
        }
        calls.put(id, call);
        if (draining) {
            // GOAWAY or idle closing raced with this registration: the call goes elsewhere.
            calls.remove(id);
            return 0;
        }
        return id;
    }

    @Override
    public boolean deliverHere() {
        return channel.deliverHere();
    }

    @Override
    public void stopDeliveringHere() {
        channel.stopDeliveringHere();
    }

    @Override
    public void remove(int id) {
        calls.remove(id);
        if (draining && calls.isEmpty()) {
            closeAfterFlush(null, "connection drained");
        }
    }

    @Override
    void onGoAway(Frame f) {
        Status status = Status.fromCodeValue(f.code)
                .withDescription("the server sent GOAWAY: " + f.text + " (" + owner.target() + ")");
        if (!ready.isDone()) {
            ready.completeExceptionally(status.asException());
            closeWithCause(String.valueOf(status.description()));
            return;
        }
        draining = true;
        owner.goAwayReceived(this);
        Status notProcessed = Status.UNAVAILABLE.withDescription(status.description());
        for (CallTable.Registered r : calls.snapshot()) {
            if (Integer.compareUnsigned(r.id(), f.value) > 0) {
                r.call().refused(notProcessed);
            }
        }
        if (calls.isEmpty()) {
            closeAfterFlush(null, "connection drained after GOAWAY");
        }
    }

    @Override
    void onCallFrame(Frame f) {
        switch (f.type) {
            case Frames.MESSAGE, Frames.CALL_END, Frames.WINDOW_UPDATE -> {
                CarriedCall call = calls.get(f.callId);
                if (call != null) {
                    call.onFrame(f);
                } else {
                    log.debug("{}: ignoring {} for a call that is not active", this, f);
                }
            }
            default -> notRpc("it sent " + Frames.typeName(f.type) + ", which only a client sends");
        }
    }

    @Override
    void notHello(Frame f) {
        notRpc("its first message is not a Conduit RPC HELLO");
    }

    /** The server sent what no Conduit RPC server sends: say so plainly, it is most likely something else. */
    private void notRpc(String what) {
        protocolError(
                Status.Code.INTERNAL,
                owner.target() + " does not speak Conduit RPC (a plain channel listener?): " + what);
    }

    /** Names the target as the user wrote it, once. */
    @Override
    String describeClose(String why) {
        return why.startsWith(owner.target()) ? why : why + " (" + owner.target() + ")";
    }

    @Override
    void sendFailed(Frame f, Status status) {
        CarriedCall call = calls.get(f.callId);
        if (call != null) {
            call.sendFailed(f, status);
        }
    }

    @Override
    void connectionClosed(Status status) {
        ScheduledFuture<?> task = idleTask;
        if (task != null) {
            task.cancel(false);
        }
        ready.completeExceptionally(status.asException());
        for (CallTable.Registered r : calls.snapshot()) {
            r.call().abort(status, false);
        }
        owner.closed(this, status);
    }

    private void idleCheck() {
        long now = nextId.get();
        if (calls.isEmpty() && now == startedAtLastIdleCheck) {
            log.debug("{}: idle for {}; closing it", this, idleTimeout);
            draining = true;
            owner.goAwayReceived(this);
            if (calls.isEmpty()) {
                closeAfterFlush(null, "idle");
            }
        }
        startedAtLastIdleCheck = now;
    }

    /** Closes gracefully: calls in flight finish first. */
    @Override
    public void drain() {
        draining = true;
        if (calls.isEmpty()) {
            closeAfterFlush(null, "channel shut down");
        }
    }

    /** Fails every call with {@code status} and closes. */
    @Override
    public void cancelAll(Status status) {
        for (CallTable.Registered r : calls.snapshot()) {
            r.call().abort(status, true);
        }
        closeAfterFlush(null, String.valueOf(status.description()));
    }

    @Override
    public int activeCalls() {
        return calls.size();
    }
}
