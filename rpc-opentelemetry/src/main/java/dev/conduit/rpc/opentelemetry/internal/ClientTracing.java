package dev.conduit.rpc.opentelemetry.internal;

import dev.conduit.rpc.CallFactory;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.ClientInterceptor;
import dev.conduit.rpc.ForwardingClientCall;
import dev.conduit.rpc.ForwardingClientCallListener;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.jspecify.annotations.Nullable;

/**
 * A client span per call, child of the caller's current context, whose context travels to the server in the call's
 * headers ({@code traceparent}, by the user's propagators), with an event per message.
 */
public final class ClientTracing implements ClientInterceptor {
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public ClientTracing(Tracer tracer, TextMapPropagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    @Override
    public <Req, Resp> ClientCall<Req, Resp> interceptCall(
            MethodDescriptor<Req, Resp> method, CallOptions options, CallFactory next) {
        return new TracedCall<>(next.newCall(method, options), method);
    }

    /** One call's span; created at start, ended when the listener hears how the call ended. */
    private final class TracedCall<Req, Resp> extends ForwardingClientCall<Req, Resp> {
        private final MethodDescriptor<Req, Resp> method;
        private @Nullable Span span;
        private long sent; // the caller's thread, one at a time (ClientCall's contract)

        TracedCall(ClientCall<Req, Resp> delegate, MethodDescriptor<Req, Resp> method) {
            super(delegate);
            this.method = method;
        }

        @Override
        public void start(Listener<Resp> listener, Metadata headers) {
            Context parent = Context.current();
            Span s = RpcSpans.builder(tracer, method)
                    .setSpanKind(SpanKind.CLIENT)
                    .setParent(parent)
                    .startSpan();
            span = s;
            Metadata withContext = headers.copy(); // the caller's may be shared; the call takes what it is given
            propagator.inject(parent.with(s), withContext, MetadataCarrier.INSTANCE);
            super.start(new TracedListener<>(listener, s), withContext);
        }

        @Override
        public void sendMessage(Req message) {
            Span s = span;
            if (s != null) {
                RpcSpans.message(s, "SENT", ++sent);
            }
            super.sendMessage(message);
        }
    }

    private static final class TracedListener<Resp> extends ForwardingClientCallListener<Resp> {
        private final Span span;
        private long received; // the call's executor, one callback at a time

        TracedListener(ClientCall.Listener<Resp> delegate, Span span) {
            super(delegate);
            this.span = span;
        }

        @Override
        public void onMessage(Resp message) {
            RpcSpans.message(span, "RECEIVED", ++received);
            super.onMessage(message);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            RpcSpans.end(span, status, false);
            super.onClose(status, trailers);
        }
    }
}
