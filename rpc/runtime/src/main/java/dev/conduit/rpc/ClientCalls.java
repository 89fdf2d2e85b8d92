package dev.conduit.rpc;

import dev.conduit.core.Channel;
import dev.conduit.core.Idle;
import dev.conduit.rpc.internal.BlockingReceiver;
import dev.conduit.rpc.internal.OneRequestCall;
import dev.conduit.rpc.internal.UnaryWaiter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Call helpers for every call kind, in blocking and asynchronous styles; what generated stubs call.
 *
 * <h2>Blocking</h2>
 * The calling thread waits; nothing else is needed. On JDK 21+ a virtual thread per request is the natural way to
 * make many blocking calls at once, since waiting holds no monitor:
 *
 * <pre>{@code
 * try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
 *     for (String key : keys) {
 *         executor.submit(() -> ClientCalls.blockingUnary(channel, GET, CallOptions.DEFAULT, request(key)));
 *     }
 * }
 * }</pre>
 *
 * <h2>Asynchronous</h2>
 * {@link #futureUnary} returns a {@link CompletableFuture} (cancelling it cancels the call); it completes on the
 * transport thread, so chain blocking work with the {@code *Async} methods. The stream helpers take a {@link
 * StreamObserver}, called one at a time on the channel's executor (or {@link CallOptions#withExecutor}).
 *
 * <p>Failures are {@link RpcException}s: thrown by blocking helpers, or given to {@code onError} and futures.
 */
public final class ClientCalls {
    private ClientCalls() {}

    private static final Executor DIRECT = Channel.DIRECT;
    private static final CallOptions DIRECT_DEFAULT = CallOptions.DEFAULT.withExecutor(DIRECT);

    /** One request, one response; waits for it. */
    public static <Req, Resp> Resp blockingUnary(
            CallFactory channel, MethodDescriptor<Req, Resp> method, CallOptions options, Req request) {
        ClientCall<Req, Resp> call = channel.newCall(method, direct(options));
        UnaryWaiter<Resp> waiter = new UnaryWaiter<>();
        try {
            start(call, waiter, request);
        } catch (RuntimeException | Error e) {
            waiter.abandon();
            throw e;
        }
        return waiter.await(call, channel instanceof RpcChannel c ? c.idle() : Idle.BACKOFF);
    }

    /** One request, one response, as a future; cancelling the future cancels the call. */
    public static <Req, Resp> CompletableFuture<Resp> futureUnary(
            CallFactory channel, MethodDescriptor<Req, Resp> method, CallOptions options, Req request) {
        ClientCall<Req, Resp> call = channel.newCall(method, direct(options));
        CallFuture<Resp> future = new CallFuture<>(call);
        start(call, future.listener(), request);
        return future;
    }

    /**
     * Starts a unary call: two responses asked for (so that a server sending a second is caught), the request sent,
     * half-closed; in one step when the call is the channel's own.
     */
    @SuppressWarnings("unchecked")
    private static <Req, Resp> void start(ClientCall<Req, Resp> call, ClientCall.Listener<Resp> listener, Req request) {
        if (call instanceof OneRequestCall<?, ?> one) {
            ((OneRequestCall<Req, Resp>) one).startWithRequest(listener, new Metadata(), 2, request);
            return;
        }
        call.start(listener, new Metadata());
        call.request(2);
        call.sendMessage(request);
        call.halfClose();
    }

    /** One request, one response, to an observer. */
    public static <Req, Resp> void asyncUnary(
            CallFactory channel,
            MethodDescriptor<Req, Resp> method,
            CallOptions options,
            Req request,
            StreamObserver<Resp> responses) {
        ClientCall<Req, Resp> call = channel.newCall(method, options);
        call.start(new ObserverListener<>(call, responses), new Metadata());
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
    }

    /** One request, a stream of responses, read through an iterator that waits for each. */
    public static <Req, Resp> ResponseStream<Resp> blockingServerStreaming(
            CallFactory channel, MethodDescriptor<Req, Resp> method, CallOptions options, Req request) {
        ClientCall<Req, Resp> call = channel.newCall(method, direct(options));
        BlockingReceiver<Resp> receiver = new BlockingReceiver<>();
        call.start(receiver, new Metadata());
        receiver.bind(call);
        call.sendMessage(request);
        call.halfClose();
        return new ResponseStream<>(call, receiver);
    }

    /** One request, a stream of responses to an observer. */
    public static <Req, Resp> void asyncServerStreaming(
            CallFactory channel,
            MethodDescriptor<Req, Resp> method,
            CallOptions options,
            Req request,
            StreamObserver<Resp> responses) {
        asyncUnary(channel, method, options, request, responses);
    }

    /**
     * A stream of requests, one response: returns the observer to send requests to ({@code onNext} waits while the
     * server grants no credit; {@code onCompleted} half-closes; {@code onError} cancels).
     */
    public static <Req, Resp> StreamObserver<Req> asyncClientStreaming(
            CallFactory channel,
            MethodDescriptor<Req, Resp> method,
            CallOptions options,
            StreamObserver<Resp> responses) {
        return asyncStreaming(channel, method, options, responses);
    }

    /** Streams both ways: returns the observer to send requests to, as for {@link #asyncClientStreaming}. */
    public static <Req, Resp> StreamObserver<Req> asyncBidiStreaming(
            CallFactory channel,
            MethodDescriptor<Req, Resp> method,
            CallOptions options,
            StreamObserver<Resp> responses) {
        return asyncStreaming(channel, method, options, responses);
    }

    private static <Req, Resp> StreamObserver<Req> asyncStreaming(
            CallFactory channel,
            MethodDescriptor<Req, Resp> method,
            CallOptions options,
            StreamObserver<Resp> responses) {
        ClientCall<Req, Resp> call = channel.newCall(method, options);
        call.start(new ObserverListener<>(call, responses), new Metadata());
        call.request(1);
        return new StreamObserver<>() {
            @Override
            public void onNext(Req value) {
                call.sendMessage(value);
            }

            @Override
            public void onError(Throwable t) {
                call.cancel("the client failed: " + t.getMessage(), t);
            }

            @Override
            public void onCompleted() {
                call.halfClose();
            }
        };
    }

    /** A client-streaming or bidirectional call in blocking style. */
    public static <Req, Resp> BlockingStreamCall<Req, Resp> blockingStream(
            CallFactory channel, MethodDescriptor<Req, Resp> method, CallOptions options) {
        ClientCall<Req, Resp> call = channel.newCall(method, direct(options));
        BlockingReceiver<Resp> receiver = new BlockingReceiver<>();
        call.start(receiver, new Metadata());
        receiver.bind(call);
        return new BlockingStreamCall<>(call, receiver);
    }

    /** Blocking helpers' listeners only record and wake: run them on the transport thread, saving a hop. */
    private static CallOptions direct(CallOptions options) {
        if (options == CallOptions.DEFAULT) {
            return DIRECT_DEFAULT;
        }
        return options.executor() == null ? options.withExecutor(DIRECT) : options;
    }

    /** Calls an observer from a call's events, asking for one response after each. */
    private static final class ObserverListener<Resp> extends ClientCall.Listener<Resp> {
        private final ClientCall<?, Resp> call;
        private final StreamObserver<Resp> observer;

        ObserverListener(ClientCall<?, Resp> call, StreamObserver<Resp> observer) {
            this.call = call;
            this.observer = observer;
        }

        @Override
        public void onMessage(Resp message) {
            observer.onNext(message);
            call.request(1);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            if (status.isOk()) {
                observer.onCompleted();
            } else {
                observer.onError(status.asException(trailers));
            }
        }
    }

    /** A unary call's future; cancelling it cancels the call. */
    private static final class CallFuture<Resp> extends CompletableFuture<Resp> {
        private final ClientCall<?, Resp> call;

        CallFuture(ClientCall<?, Resp> call) {
            this.call = call;
        }

        ClientCall.Listener<Resp> listener() {
            return new ClientCall.Listener<>() {
                private Resp value;

                @Override
                public void onMessage(Resp message) {
                    value = message;
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    if (status.isOk() && value != null) {
                        complete(value);
                    } else {
                        completeExceptionally(status.asException(trailers));
                    }
                }
            };
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                call.cancel("the future was cancelled", null);
            }
            return cancelled;
        }
    }
}
