package dev.conduit.rpc;

import dev.conduit.core.Endpoint;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ServerCall} that forwards every method to another; server interceptors subclass it, for example to see
 * the status a call ends with.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public class ForwardingServerCall<Req, Resp> extends ServerCall<Req, Resp> {
    private final ServerCall<Req, Resp> delegate;

    /** Forwards to {@code delegate}. */
    public ForwardingServerCall(ServerCall<Req, Resp> delegate) {
        this.delegate = delegate;
    }

    /** The call forwarded to. */
    protected ServerCall<Req, Resp> delegate() {
        return delegate;
    }

    @Override
    public MethodDescriptor<Req, Resp> method() {
        return delegate.method();
    }

    @Override
    public void request(int count) {
        delegate.request(count);
    }

    @Override
    public void sendMessage(Resp message) {
        delegate.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
        delegate.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
        return delegate.isCancelled();
    }

    @Override
    public boolean isReady() {
        return delegate.isReady();
    }

    @Override
    public @Nullable Duration timeRemaining() {
        return delegate.timeRemaining();
    }

    @Override
    public Endpoint remoteEndpoint() {
        return delegate.remoteEndpoint();
    }
}
