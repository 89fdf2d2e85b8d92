package dev.conduit.rpc.internal;

import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.ServerCall;
import dev.conduit.rpc.ServerCallContext;
import dev.conduit.rpc.ServerCallHandler;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.StreamObserver;
import dev.conduit.rpc.StreamingMethod;
import dev.conduit.rpc.UnaryMethod;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Adapts observer-style handlers ({@link UnaryMethod}, {@link StreamingMethod}) to {@link ServerCallHandler}. */
public final class ServerAdapters {
    private ServerAdapters() {}

    /** For methods where the client sends one request: the handler runs once the request and half-close arrived. */
    public static <Req, Resp> ServerCallHandler<Req, Resp> unary(
            MethodDescriptor<Req, Resp> method, UnaryMethod<Req, Resp> handler) {
        return (call, headers) -> {
            Unary<Req, Resp> listener = new Unary<>(call, CurrentCall.get(ServerCallContext.class), method, handler);
            // Two, so that a client sending more than one request is noticed instead of stalling the call.
            call.request(2);
            return listener;
        };
    }

    /** For methods where the client streams: requests go to the observer the handler returns. */
    public static <Req, Resp> ServerCallHandler<Req, Resp> streaming(
            MethodDescriptor<Req, Resp> method, StreamingMethod<Req, Resp> handler) {
        return (call, headers) -> {
            Streaming<Req, Resp> listener = new Streaming<>(call, CurrentCall.get(ServerCallContext.class));
            StreamObserver<Req> requests;
            try {
                requests = handler.invoke(listener);
            } catch (Throwable t) {
                listener.onError(t);
                return new ServerCall.Listener<>() {};
            }
            if (requests == null) {
                listener.onError(new NullPointerException(method.fullName() + " handler returned no request observer"));
                return new ServerCall.Listener<>() {};
            }
            listener.requests = requests;
            call.request(1);
            return listener;
        };
    }

    /** A unary call's listener and the observer its handler answers to. */
    private static final class Unary<Req, Resp> extends ServerResponseObserverImpl<Req, Resp> {
        private final MethodDescriptor<Req, Resp> method;
        private final UnaryMethod<Req, Resp> handler;
        private @Nullable Req request;
        private boolean failed;

        Unary(
                ServerCall<Req, Resp> call,
                ServerCallContext context,
                MethodDescriptor<Req, Resp> method,
                UnaryMethod<Req, Resp> handler) {
            super(call, context);
            this.method = method;
            this.handler = handler;
        }

        @Override
        public void onMessage(Req message) {
            if (request != null) {
                failed = true;
                call.close(
                        Status.INTERNAL.withDescription(method.fullName() + " expects one request, got more"),
                        new Metadata());
                return;
            }
            request = message;
        }

        @Override
        public void onHalfClose() {
            if (failed) {
                return;
            }
            Req r = request;
            if (r == null) {
                call.close(
                        Status.INTERNAL.withDescription(method.fullName() + " expects one request, got none"),
                        new Metadata());
                return;
            }
            try {
                handler.invoke(r, this);
            } catch (Throwable t) {
                onError(t);
            }
        }
    }

    /** A client-streaming call's listener (handing requests to the handler's observer) and its response observer. */
    private static final class Streaming<Req, Resp> extends ServerResponseObserverImpl<Req, Resp> {
        private @Nullable StreamObserver<Req> requests; // set before the listener is returned
        private boolean halfClosed;

        Streaming(ServerCall<Req, Resp> call, ServerCallContext context) {
            super(call, context);
        }

        @Override
        public void onMessage(Req message) {
            try {
                Objects.requireNonNull(requests).onNext(message);
            } catch (Throwable t) {
                onError(t);
                return;
            }
            call.request(1);
        }

        @Override
        public void onHalfClose() {
            halfClosed = true;
            Objects.requireNonNull(requests).onCompleted();
        }

        @Override
        public void onCancel() {
            super.onCancel();
            if (!halfClosed) {
                Objects.requireNonNull(requests)
                        .onError(new RpcException(Status.CANCELLED.withDescription("the call was cancelled")));
            }
        }
    }
}
