package dev.conduit.rpc.internal;

import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.ServerCall;
import dev.conduit.rpc.ServerCallContext;
import dev.conduit.rpc.ServerResponseObserver;
import dev.conduit.rpc.Status;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observer handlers send responses to: a thin layer over the (possibly intercepted) {@link ServerCall}. It is
 * also the call's listener (the adapters in {@link ServerAdapters} add what they do with requests), so that an
 * observer-style call makes one object for both.
 */
abstract class ServerResponseObserverImpl<Req, Resp> extends ServerCall.Listener<Req>
        implements ServerResponseObserver<Resp> {
    private static final Logger log = LoggerFactory.getLogger(ServerResponseObserverImpl.class);

    final ServerCall<Req, Resp> call;
    private final ServerCallContext context;
    private volatile @Nullable Runnable onReady;
    private boolean done;

    ServerResponseObserverImpl(ServerCall<Req, Resp> call, ServerCallContext context) {
        this.call = call;
        this.context = context;
    }

    @Override
    public void onNext(Resp value) {
        if (done) {
            throw new IllegalStateException("onNext after the call was completed");
        }
        call.sendMessage(value);
    }

    @Override
    public void onError(Throwable t) {
        if (done) {
            return;
        }
        done = true;
        Status status = Status.fromThrowable(t);
        Metadata trailers = new Metadata();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RpcException e) {
                trailers = e.trailers();
                break;
            }
        }
        if (status.code() == Status.Code.UNKNOWN && !(t instanceof RpcException)) {
            log.warn(
                    "handler of {} failed; the call ends with {}", call.method().fullName(), status, t);
        }
        call.close(status, trailers);
    }

    @Override
    public void onCompleted() {
        if (done) {
            return;
        }
        done = true;
        call.close(Status.OK, new Metadata());
    }

    @Override
    public ServerCallContext context() {
        return context;
    }

    @Override
    public boolean isCancelled() {
        return call.isCancelled();
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
        context.onCancel(handler);
    }

    @Override
    public boolean isReady() {
        return call.isReady();
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {
        this.onReady = handler;
    }

    @Override
    public void onCancel() {
        done = true;
    }

    @Override
    public void onReady() {
        Runnable r = onReady;
        if (r != null) {
            r.run();
        }
    }
}
