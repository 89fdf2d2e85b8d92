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
import org.jspecify.annotations.Nullable;

/** Adapts observer-style handlers ({@link UnaryMethod}, {@link StreamingMethod}) to {@link ServerCallHandler}. */
public final class ServerAdapters {
    private ServerAdapters() {}

    /** For methods where the client sends one request: the handler runs once the request and half-close arrived. */
    public static <Req, Resp> ServerCallHandler<Req, Resp> unary(
            MethodDescriptor<Req, Resp> method, UnaryMethod<Req, Resp> handler) {
        return (call, headers) -> {
            ServerResponseObserverImpl<Resp> responses =
                    new ServerResponseObserverImpl<>(call, CurrentCall.get(ServerCallContext.class));
            // Two, so that a client sending more than one request is noticed instead of stalling the call.
            call.request(2);
            return new ServerCall.Listener<>() {
                private @Nullable Req request;
                private boolean failed;

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
                        handler.invoke(r, responses);
                    } catch (Throwable t) {
                        responses.onError(t);
                    }
                }

                @Override
                public void onCancel() {
                    responses.cancelled();
                }

                @Override
                public void onReady() {
                    responses.ready();
                }
            };
        };
    }

    /** For methods where the client streams: requests go to the observer the handler returns. */
    public static <Req, Resp> ServerCallHandler<Req, Resp> streaming(
            MethodDescriptor<Req, Resp> method, StreamingMethod<Req, Resp> handler) {
        return (call, headers) -> {
            ServerResponseObserverImpl<Resp> responses =
                    new ServerResponseObserverImpl<>(call, CurrentCall.get(ServerCallContext.class));
            StreamObserver<Req> requests;
            try {
                requests = handler.invoke(responses);
            } catch (Throwable t) {
                responses.onError(t);
                return new ServerCall.Listener<>() {};
            }
            if (requests == null) {
                responses.onError(
                        new NullPointerException(method.fullName() + " handler returned no request observer"));
                return new ServerCall.Listener<>() {};
            }
            call.request(1);
            return new ServerCall.Listener<>() {
                private boolean halfClosed;

                @Override
                public void onMessage(Req message) {
                    try {
                        requests.onNext(message);
                    } catch (Throwable t) {
                        responses.onError(t);
                        return;
                    }
                    call.request(1);
                }

                @Override
                public void onHalfClose() {
                    halfClosed = true;
                    requests.onCompleted();
                }

                @Override
                public void onCancel() {
                    responses.cancelled();
                    if (!halfClosed) {
                        requests.onError(new RpcException(Status.CANCELLED.withDescription("the call was cancelled")));
                    }
                }

                @Override
                public void onReady() {
                    responses.ready();
                }
            };
        };
    }
}
