package dev.conduit.rpc;

/**
 * A {@link ClientCall.Listener} that forwards every callback to another; interceptors subclass it to observe
 * responses and the final status.
 *
 * @param <T> the response type
 */
public class ForwardingClientCallListener<T> extends ClientCall.Listener<T> {
    private final ClientCall.Listener<T> delegate;

    /** Forwards to {@code delegate}. */
    public ForwardingClientCallListener(ClientCall.Listener<T> delegate) {
        this.delegate = delegate;
    }

    @Override
    public void onHeaders(Metadata headers) {
        delegate.onHeaders(headers);
    }

    @Override
    public void onMessage(T message) {
        delegate.onMessage(message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        delegate.onClose(status, trailers);
    }

    @Override
    public void onReady() {
        delegate.onReady();
    }
}
