package dev.conduit.rpc.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.ServerCall;
import dev.conduit.rpc.ServerCallHandler;
import dev.conduit.rpc.ServerCallTracer;
import dev.conduit.rpc.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one call: frames from the client arrive through its {@link ServerCarrier} (a Conduit connection
 * or an HTTP/2 stream) on the transport thread; the handler's listener runs on the server executor through a {@link
 * SerialExecutor}; responses leave through an {@link OutboundQueue} paced by the client's credit.
 *
 * <p>The call ends once: normally when its CALL_END has been written ({@link ServerCall.Listener#onComplete}), or
 * by {@link #abort} (client cancel, deadline, lost connection, bad input, server shutdown) with {@link
 * ServerCall.Listener#onCancel}.
 */
final class ServerCallImpl<Req, Resp> extends ServerCall<Req, Resp>
        implements CarriedCall, OutboundQueue.Sink, InboundQueue.Receiver, Runnable {
    private static final Logger log = LoggerFactory.getLogger(ServerCallImpl.class);
    /** The listener until the handler has given its own: hears nothing. Stateless, so one serves every call. */
    private static final ServerCall.Listener<Object> NO_LISTENER = new ServerCall.Listener<>() {};
    // The handler's callbacks, run by callback(): one method rather than a task object per callback.
    private static final int START = 0;
    private static final int MESSAGE = 1;
    private static final int HALF_CLOSE = 2;
    private static final int READY = 3;
    private static final int COMPLETE = 4;
    private static final int CANCEL = 5;

    private static final VarHandle ENDED;

    static {
        try {
            ENDED = MethodHandles.lookup().findVarHandle(ServerCallImpl.class, "ended", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ServerCarrier conn;
    private final int id;
    private final MethodDescriptor<Req, Resp> method;
    private final ServerCallHandler<Req, Resp> handler;
    private final Metadata headers;
    private final SerialExecutor serial;
    private final OutboundQueue out = new OutboundQueue();
    private final InboundQueue in;
    private final ServerContext context;
    private final ServerResponses<Resp> responses;
    /** Set once, by whichever side ends the call first (through {@link #ENDED}: one object less per call). */
    private volatile boolean ended;

    private final CallDeadline deadline;
    private volatile @Nullable Status cancelStatus;

    @SuppressWarnings("unchecked")
    private ServerCall.Listener<Req> listener = (ServerCall.Listener<Req>) NO_LISTENER;

    private boolean closed; // handler threads, one at a time
    private boolean handlerStarted; // the serial executor's threads, one at a time
    /** Set by begin before the start task is submitted: that task runs the inbound queue after the start. */
    private boolean deliverAfterStart;
    /** The state of the thread that ran the last callback; the serial executor's threads, one at a time. */
    private @Nullable RpcThread thread;

    private volatile boolean lastRequestCompressed;
    private final @Nullable ServerCallTracer tracer; // null: the server traces nothing, and does no tracing work

    ServerCallImpl(
            ServerCarrier conn,
            int id,
            MethodDescriptor<Req, Resp> method,
            ServerCallHandler<Req, Resp> handler,
            Frame start,
            @Nullable ServerCallTracer tracer) {
        this.conn = conn;
        this.tracer = tracer;
        this.id = id;
        this.method = method;
        this.handler = handler;
        this.headers = start.metadata != null ? start.metadata : new Metadata();
        this.serial = new SerialExecutor(conn.executor());
        this.in = new InboundQueue(serial, this, conn.config().initialWindow());
        this.deadline = start.has(Frames.FLAG_DEADLINE) ? CallDeadline.in(start.timeoutNanos()) : CallDeadline.NONE;
        this.context = new ServerContext(this, headers);
        this.responses = new ServerResponses<>(conn, id, method, context);
    }

    /** Begins the call from its CALL_START frame; on the transport thread. */
    void begin(Frame start) {
        out.attach(this, conn.initialSendCredit());
        if (deadline.isSet() && start.timeoutNanos() <= 0) {
            abort(Status.DEADLINE_EXCEEDED.withDescription("deadline already passed when the call arrived"), true);
            return;
        }
        if (deadline.isSet()) {
            deadline.arm(conn.config().scheduler(), this::deadlinePassed); // no task object for a call without one
        }
        boolean halfClose = start.has(Frames.FLAG_HALF_CLOSE);
        if (start.has(Frames.FLAG_MESSAGE) && start.payload != null) {
            // A unary request: message and half-close go to the queue in one step, and the task that starts the
            // handler delivers them after the start (one task for both; see run).
            if (tracer != null) {
                tracer.inboundMessage(start.payloadLength);
            }
            deliverAfterStart = true;
            boolean credited = in.arriveForCaller(start, halfClose);
            serial.execute(this);
            if (!credited) {
                abort(Status.RESOURCE_EXHAUSTED.withDescription("the client sent past its flow-control window"), true);
            }
            return;
        }
        serial.execute(this);
        if (start.has(Frames.FLAG_MESSAGE)) {
            onMessageFrame(start, halfClose); // over the size limit: the call fails, after the handler's start
        } else if (halfClose) {
            in.finish();
        }
    }

    /**
     * The call's own task on its serial executor, submitted twice: by {@link #begin}, to start the handler (and run
     * the inbound queue after, if begin handed it the request); then by {@link #write} once the end is written, for
     * {@code onComplete}. One object for both, where a task object each would be made per call.
     */
    @Override
    public void run() {
        if (!handlerStarted) {
            handlerStarted = true;
            startHandler();
            if (deliverAfterStart) {
                in.run();
            }
        } else {
            completed();
        }
    }

    /** The first callback (serial executor): asks the handler for its listener. */
    private void startHandler() {
        if (cancelStatus != null) {
            return;
        }
        callback(START, null);
    }

    /**
     * Runs one of the handler's callbacks (serial executor), with this call as the current one. A callback that throws
     * ends the call with its status, unless the call has ended (onComplete, onCancel): then it is only logged.
     */
    private void callback(int event, @Nullable Req message) {
        RpcThread current = RpcThread.current(thread);
        thread = current;
        Object previous = current.currentCall;
        current.currentCall = context;
        try {
            switch (event) {
                case START ->
                    listener = Objects.requireNonNull(handler.startCall(this, headers), "startCall returned null");
                case MESSAGE -> listener.onMessage(message);
                case HALF_CLOSE -> listener.onHalfClose();
                case READY -> listener.onReady();
                case COMPLETE -> listener.onComplete();
                default -> listener.onCancel();
            }
        } catch (Throwable t) {
            if (event == COMPLETE || event == CANCEL) {
                log.warn("{} of {} threw", event == COMPLETE ? "onComplete" : "onCancel", method.fullName(), t);
            } else {
                handlerFailed(t);
            }
        } finally {
            current.currentCall = previous;
        }
    }

    /** A MESSAGE, HALF_CLOSE, CANCEL or WINDOW_UPDATE frame for this call; on the transport thread. */
    @Override
    public void onFrame(Frame f) {
        switch (f.type) {
            case Frames.MESSAGE -> onMessageFrame(f, false);
            case Frames.HALF_CLOSE -> in.finish();
            case Frames.CANCEL -> {
                Status s = Status.fromCodeValue(f.code);
                abort(
                        s.withDescription(
                                "cancelled by the client" + (f.text == null || f.text.isEmpty() ? "" : ": " + f.text)),
                        false);
            }
            case Frames.WINDOW_UPDATE -> out.grant(Integer.toUnsignedLong(f.value));
            default -> throw new IllegalArgumentException("not a server call frame: " + f);
        }
    }

    @Override
    public void grant(long credit) {
        out.grant(credit);
    }

    /** A frame with a request; {@code last} if the client also half-closed with it. */
    private void onMessageFrame(Frame f, boolean last) {
        if (tracer != null) {
            tracer.inboundMessage(f.payloadLength);
        }
        if (f.payload == null) {
            abort(
                    Status.RESOURCE_EXHAUSTED.withDescription(
                            "request of " + f.payloadLength + " bytes exceeds the server's limit of "
                                    + conn.config().maxMessageSize() + " bytes"),
                    true);
        } else if (!in.arrive(f, last)) {
            abort(Status.RESOURCE_EXHAUSTED.withDescription("the client sent past its flow-control window"), true);
        }
    }

    // ---------------------------------------------------------------- InboundQueue.Receiver (serial executor)

    @Override
    public void deliver(Frame frame) {
        Req message;
        try {
            message = MessageEncoding.decode(
                    frame, method.requestCodec(), conn.config().maxMessageSize(), "request");
        } catch (RpcException e) {
            abort(e.status(), true);
            return;
        }
        if (frame.compressed != lastRequestCompressed) {
            lastRequestCompressed = frame.compressed; // written only on a change: a volatile store is a fence
        }
        callback(MESSAGE, message);
    }

    @Override
    public void finish() {
        callback(HALF_CLOSE, null);
    }

    @Override
    public void giveCredit(int increment) {
        if (!ended) {
            conn.write(Frame.windowUpdate(id, increment));
        }
    }

    // ---------------------------------------------------------------- OutboundQueue.Sink

    @Override
    public boolean write(Frame f) {
        f.callId = id;
        if (f.type != Frames.CALL_END || f.abortEnd) {
            return traced(f, conn.write(f));
        }
        // The normal end: claim it before writing, so that a connection closing as a result of this very frame
        // (the client drains and closes at once) does not count the call as cancelled. The id is free before the
        // CALL_END leaves: a client that reuses it once the CALL_END has arrived starts a new call, every time.
        if (!ENDED.compareAndSet(this, false, true)) {
            return false;
        }
        finished();
        // Read before the write: an in-process receiver gets the frame itself, in its received form (FrameCopies).
        Status ended = tracer == null ? null : Status.fromCodeValue(f.code).withDescription(f.text);
        boolean written;
        try {
            written = traced(f, conn.write(f));
        } finally {
            conn.endWritten();
        }
        if (tracer != null && ended != null) {
            tracer.callEnded(ended);
        }
        serial.execute(this); // the second run: onComplete (see run)
        return written;
    }

    private void completed() {
        callback(COMPLETE, null);
    }

    private boolean traced(Frame f, boolean written) {
        if (tracer != null && written && f.carriesMessage()) {
            tracer.outboundMessage(f.wireSize);
        }
        return written;
    }

    /** A frame of this call could not be encoded (a response too large or a failing marshaller). */
    @Override
    public void sendFailed(Frame f, Status status) {
        if (f.type == Frames.CALL_END && !f.abortEnd) {
            // The call has ended as far as the handler is concerned; the client gets the failure instead.
            conn.write(Frame.status(Frames.CALL_END, id, status.code().value(), status.description()));
        } else {
            abort(status, true);
        }
    }

    @Override
    public void onReady() {
        serial.execute(this::ready);
    }

    private void ready() {
        callback(READY, null);
    }

    // ---------------------------------------------------------------- ServerCall

    @Override
    public MethodDescriptor<Req, Resp> method() {
        return method;
    }

    @Override
    public void request(int count) {
        in.request(count);
    }

    @Override
    public void sendMessage(Resp message) {
        Status cancelled = cancelStatus;
        if (cancelled != null) {
            throw cancelled.asException();
        }
        if (closed) {
            throw new IllegalStateException("sendMessage after close on " + method.fullName());
        }
        Frame f = responses.message(message);
        if (f == null) {
            return; // the one response, sent with the status in one CALL_END frame
        }
        out.add(f);
        if (!f.sent && TransportThread.mayBlock(RpcThread.current(thread))) {
            awaitSent(f);
        }
    }

    private void awaitSent(Frame f) {
        try {
            if (!out.awaitSent(f)) {
                Status s = cancelStatus;
                throw (s != null ? s : Status.CANCELLED).asException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED
                    .withDescription("interrupted while waiting for flow-control credit")
                    .withCause(e)
                    .asException();
        }
    }

    @Override
    public void close(Status status, Metadata trailers) {
        if (closed || cancelStatus != null) {
            return;
        }
        closed = true;
        out.add(responses.end(status, trailers));
    }

    /** Asks for responses compressed with {@code encoding}, if the client accepts it; before the first response. */
    void setResponseEncoding(String encoding) {
        responses.setEncoding(encoding);
    }

    void setMessageCompression(boolean compress) {
        responses.setCompression(compress);
    }

    boolean lastRequestCompressed() {
        return lastRequestCompressed;
    }

    @Override
    public boolean isCancelled() {
        return cancelStatus != null;
    }

    @Override
    public boolean isReady() {
        return out.isReady();
    }

    @Override
    public @Nullable Duration timeRemaining() {
        return deadline.isSet() ? Duration.ofNanos(Math.max(0, deadline.remainingNanos())) : null;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return conn.remoteEndpoint();
    }

    // ---------------------------------------------------------------- ending

    private void deadlinePassed() {
        abort(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded on the server"), true);
    }

    /**
     * Ends the call abnormally: the handler is told with {@link ServerCall.Listener#onCancel}; if {@code tellClient},
     * a CALL_END with {@code status} is sent (dropping any queued responses). Any thread; idempotent.
     */
    @Override
    public void abort(Status status, boolean tellClient) {
        if (!ENDED.compareAndSet(this, false, true)) {
            return;
        }
        cancelStatus = status;
        context.cancelled();
        finished();
        if (tracer != null) {
            tracer.callEnded(status);
        }
        in.close();
        Frame end = null;
        if (tellClient) {
            end = Frame.status(Frames.CALL_END, id, status.code().value(), status.description());
            end.abortEnd = true;
        }
        out.abort(end, false, conn::endWritten);
        if (status.code() != Status.Code.CANCELLED) {
            log.debug("call {} #{} ended: {}", method.fullName(), id, status);
        }
        serial.execute(this::cancelled);
    }

    private void cancelled() {
        callback(CANCEL, null);
    }

    /** The call has ended: its id is free; {@link ServerConnection#endWritten} follows once its last frame is out. */
    private void finished() {
        deadline.disarm();
        conn.callEnded(id);
    }

    /** A handler threw: the call ends with the thrown status, or UNKNOWN and the message; never a stack trace. */
    private void handlerFailed(Throwable t) {
        Status status = Status.fromThrowable(t);
        if (!(t instanceof RpcException)) {
            log.warn("handler of {} threw; the call ends with {}", method.fullName(), status, t);
        }
        Metadata trailers = t instanceof RpcException e ? e.trailers() : new Metadata();
        close(status, trailers);
    }
}
