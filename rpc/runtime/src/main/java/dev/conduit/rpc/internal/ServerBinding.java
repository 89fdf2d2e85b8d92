package dev.conduit.rpc.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.Listener;
import java.util.concurrent.CompletableFuture;

/** What a server listens with on one endpoint: a Conduit listener, or a gRPC (HTTP/2) one. */
public interface ServerBinding {

    /** The endpoint bound, with an ephemeral port replaced by the real one. */
    Endpoint endpoint();

    /**
     * Stops accepting new connections at once (the port or socket file is free) while the connections accepted so far
     * keep going. Idempotent; does not wait.
     */
    void stopAccepting();

    /** Closes the binding. Idempotent; does not wait. */
    void close();

    /** Completes when the binding is closed. */
    CompletableFuture<Void> closeFuture();

    /** A Conduit listener as a binding. */
    static ServerBinding of(Listener<?> listener) {
        return new ServerBinding() {
            @Override
            public Endpoint endpoint() {
                return listener.endpoint();
            }

            @Override
            public void stopAccepting() {
                listener.stopAccepting();
            }

            @Override
            public void close() {
                listener.close();
            }

            @Override
            public CompletableFuture<Void> closeFuture() {
                return listener.closeFuture();
            }
        };
    }
}
