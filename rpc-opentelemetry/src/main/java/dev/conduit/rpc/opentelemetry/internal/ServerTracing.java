package dev.conduit.rpc.opentelemetry.internal;

import dev.conduit.rpc.ForwardingServerCall;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.ServerCall;
import dev.conduit.rpc.ServerCallHandler;
import dev.conduit.rpc.ServerInterceptor;
import dev.conduit.rpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server span per call, child of the context the client sent in its headers, current while the handler runs, so
 * that calls the handler makes (over any transport) join the same trace; an event per message.
 */
public final class ServerTracing implements ServerInterceptor {
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public ServerTracing(Tracer tracer, TextMapPropagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    @Override
    public <Req, Resp> ServerCall.Listener<Req> interceptCall(
            ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
        Context parent = propagator.extract(Context.root(), headers, MetadataCarrier.INSTANCE);
        Span span = RpcSpans.builder(tracer, call.method())
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .startSpan();
        Context context = parent.with(span);
        TracedCall<Req, Resp> traced = new TracedCall<>(call, span);
        ServerCall.Listener<Req> listener;
        try (Scope ignored = context.makeCurrent()) {
            listener = next.startCall(traced, headers);
        }
        return new TracedListener<>(listener, context, traced);
    }

    /** Counts responses and remembers the status the handler closed with. */
    private static final class TracedCall<Req, Resp> extends ForwardingServerCall<Req, Resp> {
        private final Span span;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Status status = Status.OK;
        private long sent; // handler threads, one at a time (ServerCall's contract)

        TracedCall(ServerCall<Req, Resp> delegate, Span span) {
            super(delegate);
            this.span = span;
        }

        @Override
        public void sendMessage(Resp message) {
            RpcSpans.message(span, "SENT", ++sent);
            super.sendMessage(message);
        }

        @Override
        public void close(Status s, Metadata trailers) {
            status = s;
            super.close(s, trailers);
        }

        void end(boolean cancelled) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            Status s = status;
            if (cancelled) {
                Duration left = timeRemaining();
                s = left != null && left.isZero() ? Status.DEADLINE_EXCEEDED : Status.CANCELLED;
            }
            RpcSpans.end(span, s, true);
        }
    }

    /** Runs each callback of the handler with the call's span current. */
    private static final class TracedListener<Req> extends ServerCall.Listener<Req> {
        private final ServerCall.Listener<Req> delegate;
        private final Context context;
        private final TracedCall<Req, ?> call;
        private long received; // the call's executor, one callback at a time

        TracedListener(ServerCall.Listener<Req> delegate, Context context, TracedCall<Req, ?> call) {
            this.delegate = delegate;
            this.context = context;
            this.call = call;
        }

        @Override
        public void onMessage(Req message) {
            RpcSpans.message(call.span, "RECEIVED", ++received);
            try (Scope ignored = context.makeCurrent()) {
                delegate.onMessage(message);
            }
        }

        @Override
        public void onHalfClose() {
            try (Scope ignored = context.makeCurrent()) {
                delegate.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            try (Scope ignored = context.makeCurrent()) {
                delegate.onCancel();
            } finally {
                call.end(true);
            }
        }

        @Override
        public void onComplete() {
            try (Scope ignored = context.makeCurrent()) {
                delegate.onComplete();
            } finally {
                call.end(false);
            }
        }

        @Override
        public void onReady() {
            try (Scope ignored = context.makeCurrent()) {
                delegate.onReady();
            }
        }
    }
}
