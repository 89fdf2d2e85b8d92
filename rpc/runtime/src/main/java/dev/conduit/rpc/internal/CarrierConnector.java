package dev.conduit.rpc.internal;

import java.util.concurrent.CompletableFuture;

/** Makes a new carrier to one endpoint of a client channel: a Conduit connection or an HTTP/2 connection. */
@FunctionalInterface
public interface CarrierConnector {

    /**
     * Connects and completes the protocol's handshake. Tells {@code listener} when the carrier exists ({@link
     * CarrierListener#opened}) and, later, about GOAWAY and close. Fails the future with an {@link
     * dev.conduit.rpc.RpcException} (UNAVAILABLE) or the transport's exception if no connection can be made.
     */
    CompletableFuture<ClientCarrier> connect(CarrierListener listener);
}
