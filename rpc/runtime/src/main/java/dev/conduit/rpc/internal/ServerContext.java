package dev.conduit.rpc.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.ServerCallContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What handlers can see of a server call; also {@link ServerCallContext#current()}. */
final class ServerContext implements ServerCallContext {
    private static final Logger log = LoggerFactory.getLogger(ServerContext.class);

    private final ServerCallImpl<?, ?> call;
    private final Metadata headers;
    private final Metadata trailers = new Metadata();
    private final Metadata responseHeaders = new Metadata();
    private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();

    ServerContext(ServerCallImpl<?, ?> call, Metadata headers) {
        this.call = call;
        this.headers = headers;
    }

    /** The trailers added by handlers, sent with the status. */
    Metadata trailers() {
        return trailers;
    }

    /** The response headers added by handlers, sent before the first response. */
    Metadata outgoingHeaders() {
        return responseHeaders;
    }

    @Override
    public void onCancel(Runnable action) {
        onCancel.add(action);
        if (call.isCancelled()) {
            cancelled();
        }
    }

    /** Runs every cancellation action not yet run; each runs once, on the calling thread. */
    void cancelled() {
        for (Runnable r : onCancel) {
            if (onCancel.remove(r)) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("a cancellation handler of {} threw", call.method().fullName(), e);
                }
            }
        }
    }

    @Override
    public MethodDescriptor<?, ?> method() {
        return call.method();
    }

    @Override
    public Metadata requestHeaders() {
        return headers;
    }

    @Override
    public Metadata responseTrailers() {
        return trailers;
    }

    @Override
    public Metadata responseHeaders() {
        return responseHeaders;
    }

    @Override
    public void setResponseCompression(String encoding) {
        call.setResponseEncoding(encoding);
    }

    @Override
    public void setMessageCompression(boolean compress) {
        call.setMessageCompression(compress);
    }

    @Override
    public boolean isRequestCompressed() {
        return call.lastRequestCompressed();
    }

    @Override
    public @Nullable Duration timeRemaining() {
        return call.timeRemaining();
    }

    @Override
    public boolean isCancelled() {
        return call.isCancelled();
    }

    @Override
    public Endpoint remoteEndpoint() {
        return call.remoteEndpoint();
    }
}
