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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A client call as the application sees it, made of one or more attempts ({@link ClientCallImpl}), as gRFC A6
 * describes: requests are kept until the call commits (a response's headers or message arrives, or the kept requests
 * pass their limit), and an attempt that fails before that is tried again: at once and once, if it never reached a
 * server (transparent retry); after a randomized exponential backoff, if the method's retry policy lists its status
 * and the throttle allows. Never past the call's deadline.
 *
 * <p>Threading: the application drives it one thread at a time, as any {@link ClientCall}; attempts' callbacks arrive
 * on their serial executors, one attempt after another. A private monitor ({@link #lock}) orders the
 * switch to a new attempt (replaying the kept requests) against the application's sends, which happen outside it so a
 * send blocked by flow control never holds it, and a replay never waits for flow-control credit; commit and cancel are
 * lock-free.
 *
 * <p>Cost: every call comes through here and most never retry, so what only a retry needs is made when one does (the
 * {@link RetryDecision}, a list for a second kept request); a unary start takes the monitor once ({@link
 * OneRequestCall}); the monitor is a small private object (not the call, which the application may lock).
 */
final class RetryingCall<Req, Resp> extends ClientCall<Req, Resp> implements OneRequestCall<Req, Resp> {
    static final String PREVIOUS_ATTEMPTS = "grpc-previous-rpc-attempts";

    /** Orders an attempt switch against the application's sends; never the call itself, which the application holds. */
    private final Object lock = new Object();

    private final ChannelCore channel;
    private final MethodDescriptor<Req, Resp> method;
    private final CallOptions options;
    private final ServiceConfig.@Nullable RetryPolicy policy;
    private final @Nullable RetryThrottle throttle;
    private final RetryBudget budget;
    private static final VarHandle FINISHED;
    private static final VarHandle BUFFERED_BYTES;
    private static final VarHandle COMMITTED;
    private static final VarHandle ANSWERED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FINISHED = l.findVarHandle(RetryingCall.class, "finished", boolean.class);
            BUFFERED_BYTES = l.findVarHandle(RetryingCall.class, "bufferedBytes", long.class);
            COMMITTED = l.findVarHandle(RetryingCall.class, "committed", boolean.class);
            ANSWERED = l.findVarHandle(RetryingCall.class, "answered", ClientCallImpl.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The call has ended (set once, by {@link #FINISHED}). */
    private volatile boolean finished;
    /** Bytes of kept requests reserved in the budget (updated by {@link #BUFFERED_BYTES}). */
    private volatile long bufferedBytes;

    private volatile @Nullable ClientCallImpl<Req, Resp> attempt;
    private volatile boolean committed;
    /**
     * The attempt that answered (response headers or a message), once one has: the call's last, as an answered call is
     * never retried, so what the application asks for from then on goes straight to it.
     */
    private volatile @Nullable ClientCallImpl<Req, Resp> answered;

    private volatile @Nullable Status cancelled;
    private volatile @Nullable ScheduledFuture<?> pendingRetry;
    /**
     * Set once in {@link #start}, before the first attempt, and read after it (by attempts' callbacks and retry
     * timers, which the attempt's start happens before): a plain field, as a volatile one would cost a fence per call.
     */
    private CallDeadline deadline = CallDeadline.NONE;

    // Under the monitor: the requests kept for a retry (the first, then the rest) and what the call has done so far.
    private @Nullable Req firstKept;
    private @Nullable List<Req> moreKept;
    private long requested;
    private boolean halfClosed;
    private @Nullable Boolean compress;

    // Written before the first attempt starts, then by one attempt's onClose at a time.
    private ClientCall.Listener<Resp> listener = ClientCallImpl.noListener();
    /** The application's headers, kept for a retry; null if it gave none. */
    private @Nullable Metadata headers;

    private @Nullable ClientCallTracer tracer;
    private boolean started;
    private int attempts;
    private int counted;
    /** Made when an attempt first fails; under the monitor. */
    private @Nullable RetryDecision retries;

    RetryingCall(
            ChannelCore channel,
            MethodDescriptor<Req, Resp> method,
            CallOptions options,
            ServiceConfig.@Nullable RetryPolicy policy,
            @Nullable RetryThrottle throttle,
            RetryBudget budget) {
        this.channel = channel;
        this.method = method;
        this.options = options;
        this.policy = policy;
        this.throttle = throttle;
        this.budget = budget;
    }

    @Override
    public void start(ClientCall.Listener<Resp> newListener, Metadata startHeaders) {
        begin(newListener, startHeaders);
        startAttempt(false, startHeaders);
    }

    /**
     * The four steps of a unary call's start under one monitor: the attempt starts with the request kept and the call
     * half-closed, as a retry replays them, instead of taking the monitor once for each step.
     */
    @Override
    public void startWithRequest(ClientCall.Listener<Resp> newListener, Metadata startHeaders, int count, Req request) {
        if (count <= 0) {
            throw new IllegalArgumentException("request count must be positive: " + count);
        }
        begin(newListener, startHeaders);
        synchronized (lock) {
            requested = count;
            firstKept = request;
            halfClosed = true;
            startAttemptLocked(false, startHeaders);
        }
        if (!committed) {
            keep(method.requestCodec().sizeHint(request));
        }
    }

    /** What starting does before the first attempt; the application's thread. */
    private void begin(ClientCall.Listener<Resp> newListener, Metadata startHeaders) {
        if (started) {
            throw new IllegalStateException("call of " + method.fullName() + " already started");
        }
        started = true;
        listener = newListener;
        // The first attempt copies the headers as it starts; a retry needs its own copy, or none when there are none.
        headers = startHeaders.isEmpty() ? null : startHeaders.copy();
        tracer = channel.newTracer(method);
        Duration timeout = options.timeout();
        if (timeout != null) {
            // No timer of its own: each attempt has one, and a retry's wait stops at the deadline (see retryLater).
            deadline = CallDeadline.in(timeout.toNanos());
        }
    }

    /** Starts an attempt: the first with the application's {@code startHeaders}, a retry with null. */
    private void startAttempt(boolean transparent, @Nullable Metadata startHeaders) {
        synchronized (lock) {
            startAttemptLocked(transparent, startHeaders);
        }
    }

    private void startAttemptLocked(boolean transparent, @Nullable Metadata startHeaders) {
        try {
            if (pendingRetry != null) {
                pendingRetry = null; // a volatile write costs a fence: only when there was one
            }
            if (finished) {
                return;
            }
            int previous = attempts++;
            if (!transparent) {
                counted++;
            }
            CallOptions o = options;
            if (previous > 0 && deadline.isSet()) {
                o = o.withTimeout(Duration.ofNanos(Math.max(0, deadline.remainingNanos())));
            }
            ClientCallTracer t = tracer;
            ClientCallImpl<Req, Resp> a =
                    new ClientCallImpl<>(channel, method, o, t == null ? null : t.newAttempt(previous, transparent));
            long wanted = requested;
            attempt = a;
            if (compress != null) {
                a.setMessageCompression(compress);
            }
            Metadata h = startHeaders;
            if (h == null) {
                Metadata kept = headers;
                h = (kept == null ? new Metadata() : kept.copy()).put(PREVIOUS_ATTEMPTS, Integer.toString(previous));
            }
            a.start(new AttemptListener(a), h);
            Req first = firstKept;
            if (first != null) {
                a.replay(first);
            }
            List<Req> more = moreKept;
            if (more != null) {
                for (Req m : more) {
                    a.replay(m);
                }
            }
            if (halfClosed) {
                a.halfClose();
            }
            if (wanted > 0) {
                a.request((int) Math.min(Integer.MAX_VALUE, wanted));
            }
            Status c = cancelled;
            if (c != null) {
                a.cancel(c.description(), c.cause());
            }
        } catch (RpcException ended) {
            // The attempt ended while its requests were replayed; its listener hears why and decides.
        }
    }

    @Override
    public void request(int count) {
        ClientCallImpl<Req, Resp> a = answered;
        if (a != null) {
            a.request(count); // no attempt follows an answered one: nothing needs the count kept
            return;
        }
        synchronized (lock) {
            // Counted and forwarded under the monitor, so a retry starting now passes the count on exactly once.
            requested = Math.min(Integer.MAX_VALUE, requested + count);
            a = attempt;
        }
        if (a != null) {
            a.request(count);
        }
    }

    @Override
    public void sendMessage(Req message) {
        ClientCallImpl<Req, Resp> a;
        synchronized (lock) {
            if (!started || halfClosed) {
                throw new IllegalStateException(started ? "sendMessage after halfClose" : "sendMessage before start");
            }
            if (committed) {
                firstKept = null;
                moreKept = null;
            } else if (firstKept == null && moreKept == null) {
                firstKept = message;
            } else {
                List<Req> more = moreKept;
                if (more == null) {
                    more = new ArrayList<>();
                    moreKept = more;
                }
                more.add(message);
            }
            a = attempt;
        }
        if (a == null) {
            return;
        }
        try {
            a.sendMessage(message);
        } catch (RpcException e) {
            if (committed || finished || cancelled != null) {
                throw e;
            }
            return; // that attempt failed, and a retry may replay this request; if none does, the call fails
        }
        if (!committed) {
            // The codec's estimate: requests are encoded as they are written, and a kept one not again until a retry.
            keep(method.requestCodec().sizeHint(message));
        }
    }

    /** Counts {@code bytes} of kept requests; past the per-call or the channel's limit, the call commits. */
    private void keep(long bytes) {
        long total = (long) BUFFERED_BYTES.getAndAdd(this, bytes) + bytes;
        if (total > RetryBudget.PER_CALL_BYTES || !budget.reserve(bytes)) {
            BUFFERED_BYTES.getAndAdd(this, -bytes);
            commit();
        } else if (committed) {
            budget.release((long) BUFFERED_BYTES.getAndSet(this, 0L));
        }
    }

    /** Bytes of requests the channel's calls keep for retries now (the budget all its calls share); for tests. */
    long retryBudgetUsed() {
        return budget.used();
    }

    /** No more attempts: the requests kept for one are let go. Lock-free; they are dropped by the next send. */
    private void commit() {
        if (committed) {
            return; // once is enough: a request kept after this releases itself (see keep)
        }
        // A release store: the getAndSet just after orders it against keep(), whose getAndAdd precedes its read of it.
        COMMITTED.setRelease(this, true);
        budget.release((long) BUFFERED_BYTES.getAndSet(this, 0L));
    }

    @Override
    public void halfClose() {
        ClientCallImpl<Req, Resp> a;
        synchronized (lock) {
            if (!started || halfClosed) {
                throw new IllegalStateException(started ? "halfClose called twice" : "halfClose before start");
            }
            halfClosed = true;
            a = attempt;
        }
        if (a != null) {
            a.halfClose();
        }
    }

    @Override
    public void cancel(@Nullable String message, @Nullable Throwable cause) {
        Status s = Status.CANCELLED
                .withDescription(message != null ? message : "cancelled by the client")
                .withCause(cause);
        cancelled = s;
        ClientCallImpl<Req, Resp> a = attempt;
        if (a != null) {
            a.cancel(message, cause);
        }
        ScheduledFuture<?> retry = pendingRetry;
        if (retry != null && retry.cancel(false)) {
            finishLater(s, new Metadata());
        } else if (a == null) {
            finishLater(s, new Metadata());
        }
    }

    @Override
    public boolean isReady() {
        ClientCallImpl<Req, Resp> a = attempt;
        return a != null && a.isReady();
    }

    @Override
    public void setMessageCompression(boolean on) {
        synchronized (lock) {
            compress = on;
        }
        ClientCallImpl<Req, Resp> a = attempt;
        if (a != null) {
            a.setMessageCompression(on);
        }
    }

    // ---------------------------------------------------------------- deciding on a retry

    /**
     * Starts the next attempt after {@code delayNanos}, or ends the call with DEADLINE_EXCEEDED if the deadline comes
     * first; under the monitor. The timer only hands over to the runtime's executor: starting an attempt may run the
     * application's listener (with a direct executor), and the timer thread is shared.
     */
    private void retryLater(long delayNanos, boolean transparent) {
        long wait = deadline.isSet() ? Math.min(delayNanos, Math.max(0, deadline.remainingNanos())) : delayNanos;
        pendingRetry = channel.config().scheduler().schedule(() -> retryDue(transparent), wait, TimeUnit.NANOSECONDS);
    }

    private void retryDue(boolean transparent) {
        RetryDecision r = java.util.Objects.requireNonNull(retries); // set before the retry was scheduled
        if (deadline.hasPassed()) {
            finishLater(
                    r.deadlinePassed(java.util.Objects.requireNonNull(options.timeout()), attempts), new Metadata());
        } else {
            try {
                channel.config().scheduler().executor().execute(() -> startAttempt(transparent, null));
            } catch (RejectedExecutionException closing) {
                finish(r.runtimeClosing(), new Metadata());
            }
        }
    }

    /** Nanoseconds to wait before the next attempt, or -1 to end the call with {@code status}; under the monitor. */
    private long retryDelay(ClientCallImpl<Req, Resp> a, Status status, Metadata trailers) {
        if (committed || cancelled != null || channel.isShutdown() || deadline.hasPassed() || status.isOk()) {
            return -1;
        }
        RetryDecision r = retries;
        if (r == null) {
            r = retries = new RetryDecision(policy, throttle);
        }
        return r.delay(status, trailers, a.neverProcessed(), counted);
    }

    private void attemptClosed(ClientCallImpl<Req, Resp> a, Status status, Metadata trailers) {
        if (status.isOk()) {
            // Never retried, so no monitor: a new attempt starts only from the close of the one before it, and this
            // one, if current, has not asked for one; an earlier attempt's late close is ignored as under the monitor.
            if (a == attempt) {
                finish(status, trailers);
            }
            return;
        }
        synchronized (lock) {
            try {
                if (a != attempt || finished) {
                    return;
                }
                long delay = retryDelay(a, status, trailers);
                if (delay >= 0) {
                    RetryDecision r = java.util.Objects.requireNonNull(retries);
                    r.failed(status);
                    retryLater(delay, r.transparent());
                    return;
                }
            } catch (RejectedExecutionException closing) {
                // The runtime is closing: no retry; the call ends with this attempt's status.
            }
        }
        finish(status, trailers);
    }

    /** Ends the call from a closing attempt, on its serial executor. */
    private void finish(Status status, Metadata trailers) {
        if (!FINISHED.compareAndSet(this, false, true)) {
            return;
        }
        commit();
        if (status.isOk() && throttle != null) {
            throttle.onSuccess();
        }
        ClientCallTracer t = tracer;
        if (t != null) {
            t.callEnded(status);
        }
        listener.onClose(status, trailers);
    }

    /** Ends the call while no attempt is in flight, on the call's executor. */
    private void finishLater(Status status, Metadata trailers) {
        channel.executorFor(options).execute(() -> finish(status, trailers));
    }

    @Override
    public String toString() {
        ClientCallImpl<Req, Resp> a = attempt;
        return a != null ? a.toString() : "call " + method.fullName();
    }

    /** One attempt's events: those of the current attempt reach the application; a close may become a retry. */
    private final class AttemptListener extends ClientCall.Listener<Resp> {
        private final ClientCallImpl<Req, Resp> self;

        AttemptListener(ClientCallImpl<Req, Resp> self) {
            this.self = self;
        }

        @Override
        public void onHeaders(Metadata responseHeaders) {
            answered();
            listener.onHeaders(responseHeaders);
        }

        @Override
        public void onMessage(Resp message) {
            answered();
            listener.onMessage(message);
        }

        private void answered() {
            if (answered != self) {
                ANSWERED.setRelease(RetryingCall.this, self); // publishes only: request() reads it, nothing waits on it
                commit();
            }
        }

        @Override
        public void onReady() {
            if (self == attempt) {
                listener.onReady();
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            attemptClosed(self, status, trailers);
        }
    }
}
