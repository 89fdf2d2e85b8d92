package dev.conduit.rpc;

import org.jspecify.annotations.Nullable;

/**
 * A {@link ClientCall} that forwards every method to another; interceptors subclass it and override what they
 * change, for example {@link #start} to add headers or wrap the listener in a {@link ForwardingClientCallListener}.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public class ForwardingClientCall<Req, Resp> extends ClientCall<Req, Resp> {
    private final ClientCall<Req, Resp> delegate;

    /** Forwards to {@code delegate}. */
    public ForwardingClientCall(ClientCall<Req, Resp> delegate) {
        this.delegate = delegate;
    }

    /** The call forwarded to. */
    protected ClientCall<Req, Resp> delegate() {
        return delegate;
    }

    @Override
    public void start(Listener<Resp> listener, Metadata headers) {
        delegate.start(listener, headers);
    }

    @Override
    public void request(int count) {
        delegate.request(count);
    }

    @Override
    public void sendMessage(Req message) {
        delegate.sendMessage(message);
    }

    @Override
    public void halfClose() {
        delegate.halfClose();
    }

    @Override
    public void cancel(@Nullable String message, @Nullable Throwable cause) {
        delegate.cancel(message, cause);
    }

    @Override
    public boolean isReady() {
        return delegate.isReady();
    }

    @Override
    public void setMessageCompression(boolean compress) {
        delegate.setMessageCompression(compress);
    }
}
