package dev.conduit.rpc.internal;

import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.ClientCallTracer;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a client call ({@link RetryingCall} makes the attempts of each call). Frames are queued from {@link
 * #start} on, and written once a connection is picked (at once when one is ready); a single request is sent together
 * with CALL_START and the half-close, in one frame ({@link ClientRequests} makes the frames).
 * Responses arrive on the transport thread and reach the listener through a {@link SerialExecutor}.
 *
 * <p>The call ends once: remotely by CALL_END (the listener's {@code onClose} follows the queued responses), or
 * locally by {@link #end} (cancel, deadline, lost connection, bad response), which tells the server with CANCEL if
 * it had heard of the call.
 */
final class ClientCallImpl<Req, Resp> extends ClientCall<Req, Resp>
        implements CarriedCall, OutboundQueue.Sink, InboundQueue.Receiver {
    private static final Logger log = LoggerFactory.getLogger(ClientCallImpl.class);
    /** The listener of a call not started yet: hears nothing. Stateless, so one serves every call. */
    private static final ClientCall.Listener<Object> NO_LISTENER = new ClientCall.Listener<>() {};

    private static final Status PAST_WINDOW =
            Status.RESOURCE_EXHAUSTED.withDescription("the server sent past its flow-control window");

    private static final VarHandle OUTCOMES;
    private static final VarHandle ENDED;
    private static final VarHandle ID;
    private static final VarHandle TRANSMITTED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            OUTCOMES = l.findVarHandle(ClientCallImpl.class, "outcomes", OutlierEjection.class);
            ENDED = l.findVarHandle(ClientCallImpl.class, "ended", boolean.class);
            ID = l.findVarHandle(ClientCallImpl.class, "id", int.class);
            TRANSMITTED = l.findVarHandle(ClientCallImpl.class, "transmitted", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ChannelCore channel;
    private final MethodDescriptor<Req, Resp> method;
    private final CallOptions options;
    private final SerialExecutor serial;
    private final OutboundQueue out = new OutboundQueue();
    private final InboundQueue in;
    private final ClientRequests<Req> requests;
    /** Set once, by whichever side ends the call first (through {@link #ENDED}: one object less per call). */
    private volatile boolean ended;

    private volatile @Nullable ClientCarrier conn;
    private volatile int id;
    private volatile @Nullable Status localStatus;
    private ClientCall.Listener<Resp> listener = noListener();
    private boolean started;
    private boolean halfClosed;
    /** Set once in {@link #start}, before the call is registered, and read after: plain, no fence per call. */
    private CallDeadline deadline = CallDeadline.NONE;
    // Set on the transport thread before in.finish() (or the last in.arrive()); read on the serial executor after it.
    private @Nullable Status remoteStatus;
    private @Nullable Metadata remoteTrailers;
    private int received;
    // Null when the channel has no tracer (then no tracing work).
    private final ClientCallTracer.@Nullable Attempt tracer;
    /** A CALL_START left for the server: from here on, the server may have seen the call. */
    private volatile boolean transmitted;
    /** The server said it did not process the call (GOAWAY past it, or a refused stream). */
    private volatile boolean refused;
    /** Where outlier ejection counts this call's outcome, until it has (taken once); set by a CountingCarrier. */
    private volatile @Nullable OutlierEjection outcomes;

    @SuppressWarnings("unchecked")
    static <T> ClientCall.Listener<T> noListener() {
        return (ClientCall.Listener<T>) NO_LISTENER;
    }

    /** One attempt of a call (see {@link RetryingCall}); {@code tracer} sees it, if the channel traces. */
    ClientCallImpl(
            ChannelCore channel,
            MethodDescriptor<Req, Resp> method,
            CallOptions options,
            ClientCallTracer.@Nullable Attempt tracer) {
        this.channel = channel;
        this.method = method;
        this.options = options;
        this.tracer = tracer;
        this.serial = new SerialExecutor(channel.executorFor(options));
        this.in = new InboundQueue(serial, this, channel.config().initialWindow());
        this.requests = new ClientRequests<>(method, options);
    }

    // ---------------------------------------------------------------- ClientCall

    @Override
    public void start(ClientCall.Listener<Resp> newListener, Metadata startHeaders) {
        if (started) {
            throw new IllegalStateException("call of " + method.fullName() + " already started");
        }
        started = true;
        listener = newListener;
        Duration timeout = options.timeout();
        requests.start(startHeaders, timeout != null);
        if (timeout != null) {
            deadline = CallDeadline.in(timeout.toNanos());
            if (timeout.isZero()) {
                end(deadlineStatus(timeout), false);
                return;
            }
            deadline.arm(channel.config().scheduler(), () -> end(deadlineStatus(timeout), true));
        }
        if (channel.isShutdown()) {
            end(Status.UNAVAILABLE.withDescription("the channel is shut down"), false);
            return;
        }
        if (!method.type().clientSendsOne()) {
            out.add(requests.callStart(0));
        }
        pick();
    }

    /** The deadline passed; if the call was still waiting for a connection, says why there was none. */
    private Status deadlineStatus(Duration timeout) {
        return CallDeadline.exceeded(timeout, conn == null ? channel.whyNotConnected() : null);
    }

    private void pick() {
        ClientCarrier c = channel.pickNow();
        if (c != null && attach(c)) {
            return;
        }
        channel.pickAsync(options.isWaitForReady()).whenComplete((picked, error) -> {
            if (error != null) {
                end(Status.fromThrowable(error), false);
            } else if (!attach(picked)) {
                pick();
            }
        });
    }

    /** Binds the call to {@code c}; false if {@code c} took no more calls. */
    private boolean attach(ClientCarrier c) {
        if (ended) {
            return true;
        }
        if (outcomes != null) {
            outcomes = null; // a counting carrier sets it in register; a carrier that refused the call counts nothing
        }
        int newId = c.register(this);
        if (newId == 0) {
            return false;
        }
        // A release store: the volatile store of conn just after orders it for every reader of conn.
        ID.setRelease(this, newId);
        conn = c;
        DeliverHere.offer(c);
        if (ended) {
            c.remove(newId);
            return true;
        }
        out.attach(this, c.initialSendCredit());
        return true;
    }

    @Override
    public void request(int count) {
        in.request(count);
    }

    @Override
    public void sendMessage(Req message) {
        send(message, true);
    }

    /**
     * Queues a request again for a retry, never waiting for flow-control credit: the thread replaying must not block
     * (the requests kept for a retry are bounded, see {@link RetryBudget}).
     */
    void replay(Req message) {
        send(message, false);
    }

    private void send(Req message, boolean mayWait) {
        if (!started || halfClosed) {
            throw new IllegalStateException(started ? "sendMessage after halfClose" : "sendMessage before start");
        }
        Status failed = localStatus;
        if (failed != null) {
            throw failed.asException();
        }
        if (ended) {
            return; // the server already ended the call; the listener hears how
        }
        Frame f = requests.message(message);
        if (f == null) {
            return; // the one request, sent with CALL_START at the half-close
        }
        out.add(f);
        if (mayWait && !f.sent && TransportThread.mayBlock()) {
            awaitSent(f);
        }
    }

    private void awaitSent(Frame f) {
        try {
            if (!out.awaitSent(f)) {
                Status s = localStatus;
                if (s != null) {
                    throw s.asException();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Status s = Status.CANCELLED.withDescription("interrupted while waiting for flow-control credit");
            end(s.withCause(e), true);
            throw s.asException();
        }
    }

    @Override
    public void halfClose() {
        if (!started || halfClosed) {
            throw new IllegalStateException(started ? "halfClose called twice" : "halfClose before start");
        }
        halfClosed = true;
        out.add(requests.halfClose());
    }

    @Override
    public void cancel(@Nullable String message, @Nullable Throwable cause) {
        end(
                Status.CANCELLED
                        .withDescription(message != null ? message : "cancelled by the client")
                        .withCause(cause),
                true);
    }

    @Override
    public boolean isReady() {
        return out.isReady();
    }

    @Override
    public void setMessageCompression(boolean compress) {
        requests.setCompression(compress);
    }

    // ---------------------------------------------------------------- OutboundQueue.Sink

    @Override
    public boolean write(Frame f) {
        ClientCarrier c = conn;
        if (c == null) {
            return false;
        }
        ClientRequests.stamp(f, id, deadline, c);
        boolean start = f.type == Frames.CALL_START;
        if (start) {
            // Before the write (in-process, the server may answer within it); a release store: the write publishes it.
            TRANSMITTED.setRelease(this, true);
        }
        boolean written = c.write(f);
        if (start && !written) {
            TRANSMITTED.setRelease(this, false);
        }
        ClientCallTracer.Attempt t = tracer;
        if (t != null && written && f.carriesMessage()) {
            t.outboundMessage(f.wireSize);
        }
        return written;
    }

    @Override
    public void onReady() {
        serial.execute(() -> listener.onReady());
    }

    // ---------------------------------------------------------------- frames from the server (transport thread)

    @Override
    public void onFrame(Frame f) {
        switch (f.type) {
            case Frames.HEADERS -> {
                Metadata responseHeaders = f.metadata != null ? f.metadata : new Metadata();
                serial.execute(() -> {
                    if (localStatus == null) {
                        listener.onHeaders(responseHeaders);
                    }
                });
            }
            case Frames.MESSAGE -> {
                if (withinLimit(f) && !in.arrive(f)) {
                    end(PAST_WINDOW, true);
                }
            }
            case Frames.CALL_END -> {
                if (!f.isAbortEnd()) {
                    countOutcome(Status.fromCodeValue(f.code).code());
                }
                Frame last = f.has(Frames.FLAG_MESSAGE) ? f : null;
                if (last == null || withinLimit(last)) {
                    remoteEnd(f, last);
                }
            }
            case Frames.WINDOW_UPDATE -> out.grant(Integer.toUnsignedLong(f.value));
            default -> throw new IllegalArgumentException("not a client call frame: " + f);
        }
    }

    @Override
    public void grant(long credit) {
        out.grant(credit);
    }

    @Override
    public void abort(Status status, boolean tellPeer) {
        countOutcome(status.code());
        end(status, tellPeer);
    }

    @Override
    public void refused(Status status) {
        // Refused unprocessed (a GOAWAY before it): the server is going away, not failing calls; not counted.
        outcomes = null;
        refused = true;
        end(status, false);
    }

    /** Called by a {@link CountingCarrier} registering this call: its end is to be counted in {@code to}. */
    void countOutcomeIn(OutlierEjection to) {
        outcomes = to;
    }

    /** Tells outlier ejection how the call ended, once: the server's CALL_END or an abort, whichever comes first. */
    private void countOutcome(Status.Code code) {
        if (outcomes == null) {
            return; // not counted, or counted already: a read, where getAndSet would be an atomic per call
        }
        OutlierEjection o = (OutlierEjection) OUTCOMES.getAndSet(this, (OutlierEjection) null);
        if (o != null) {
            o.record(code);
        }
    }

    /** Whether the call surely never reached the server's application: never sent, or refused unprocessed. */
    boolean neverProcessed() {
        return refused || !transmitted;
    }

    @Override
    public void sendFailed(Frame frame, Status status) {
        end(status, true);
    }

    /** Counts a response frame; false (and the call ends) if its message was over the client's limit. */
    private boolean withinLimit(Frame f) {
        if (tracer != null) {
            tracer.inboundMessage(f.payloadLength);
        }
        if (f.payload == null) {
            end(
                    Status.RESOURCE_EXHAUSTED.withDescription(
                            "response of " + f.payloadLength + " bytes exceeds the client's limit of "
                                    + channel.config().maxMessageSize() + " bytes"),
                    true);
            return false;
        }
        return true;
    }

    /**
     * The server ended the call with {@code end}, its status read as {@link CallDeadline#seenFromServer} reads it;
     * {@code lastMessage}, if not null, is a response that came with it.
     */
    private void remoteEnd(Frame end, @Nullable Frame lastMessage) {
        if (!ENDED.compareAndSet(this, false, true)) {
            return;
        }
        String text = end.text == null || end.text.isEmpty() ? null : end.text;
        remoteStatus = deadline.seenFromServer(Status.fromCodeValue(end.code).withDescription(text));
        remoteTrailers = end.metadata != null ? end.metadata : new Metadata();
        cleanup();
        out.abort(null, false);
        if (lastMessage == null) {
            in.finish();
        } else if (!in.arrive(lastMessage, true)) { // message and end in one hand-over: a unary response
            localStatus = PAST_WINDOW; // as end() would, but the call has ended already
            in.close();
            serial.execute(() -> closeListener(PAST_WINDOW, new Metadata()));
        }
    }

    // ---------------------------------------------------------------- InboundQueue.Receiver (serial executor)

    @Override
    public void deliver(Frame frame) {
        if (localStatus != null) {
            return;
        }
        Resp message;
        try {
            message = MessageEncoding.decode(
                    frame, method.responseCodec(), channel.config().maxMessageSize(), "response");
        } catch (RpcException e) {
            fail(e.status());
            return;
        }
        received++;
        try {
            listener.onMessage(message);
        } catch (Throwable t) {
            log.warn("the listener of {} threw; cancelling the call", method.fullName(), t);
            fail(Status.CANCELLED
                    .withDescription("the call's listener threw: " + t)
                    .withCause(t));
        }
    }

    /** A local failure while delivering: ends the call, or replaces the status of a call the server ended. */
    private void fail(Status status) {
        if (!end(status, true)) {
            localStatus = status;
        }
    }

    @Override
    public void finish() {
        Status local = localStatus;
        Status status = local != null ? local : remoteStatus;
        Metadata trailers = local != null || remoteTrailers == null ? new Metadata() : remoteTrailers;
        if (status == null) {
            return;
        }
        if (status.isOk() && method.type().serverSendsOne() && received == 0) {
            status = Status.INTERNAL.withDescription(
                    "the server completed " + method.fullName() + " without a response");
        }
        closeListener(status, trailers);
    }

    private void closeListener(Status status, Metadata trailers) {
        if (tracer != null) {
            tracer.attemptEnded(status);
        }
        listener.onClose(status, trailers);
    }

    @Override
    public void giveCredit(int increment) {
        ClientCarrier c = conn;
        if (c != null && !ended) {
            c.write(Frame.windowUpdate(id, increment));
        }
    }

    // ---------------------------------------------------------------- ending locally

    /**
     * Ends the call with {@code status} unless it has ended: the listener gets {@code onClose(status)}, queued
     * responses are dropped, and if {@code tellServer} and the server knows the call, a CANCEL is sent. Any thread.
     *
     * @return whether this call ended it
     */
    boolean end(Status status, boolean tellServer) {
        if (!ENDED.compareAndSet(this, false, true)) {
            return false;
        }
        localStatus = status;
        cleanup();
        in.close();
        Frame cancel = tellServer ? Frame.status(Frames.CANCEL, 0, status.code().value(), status.description()) : null;
        out.abort(cancel, true);
        serial.execute(() -> closeListener(status, new Metadata()));
        return true;
    }

    private void cleanup() {
        deadline.disarm();
        ClientCarrier c = conn;
        if (c != null) {
            c.remove(id);
        }
    }

    @Override
    public String toString() {
        return "call " + method.fullName() + " #" + Integer.toUnsignedString(id);
    }
}
