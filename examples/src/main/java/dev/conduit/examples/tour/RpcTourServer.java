package dev.conduit.examples.tour;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcServer;

/**
 * The tour's RPC server as a child process: serves the tour's key-value store (generated KV stubs) on {@code pipe:}, its own stdin and
 * stdout, until its parent closes the channel.
 */
public final class RpcTourServer {
    private RpcTourServer() {}

    /** Serves until stdin closes. */
    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("tour-rpc").build();
                RpcServer server = RpcServer.builder(conduit)
                        .listen("pipe:")
                        .addService(RpcTour.service())
                        .directExecutor()
                        .start()) {
            // Once pipe: serves the channel, System.in yields nothing until the channel closes, then end of stream.
            while (System.in.read() >= 0) {
                // wait for the parent to close the channel
            }
        }
    }
}
