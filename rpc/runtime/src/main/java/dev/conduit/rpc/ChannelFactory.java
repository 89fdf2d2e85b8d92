package dev.conduit.rpc;

import dev.conduit.core.Channel;
import dev.conduit.core.Codec;
import java.util.concurrent.CompletableFuture;

/**
 * Opens a channel for RPC with the codec the runtime gives it, for connections that are not made by URI: a spawned
 * child's stdio, a channel accepted elsewhere. Used by {@link RpcChannel.Builder#target(String, ChannelFactory)} (called
 * again for each reconnection) and {@link RpcServer#serve(ChannelFactory)}.
 *
 * <pre>{@code
 * server.serve(new ChannelFactory() {
 *     public <T> CompletableFuture<Channel<T>> open(Codec<T> codec) {
 *         return conduit.connectAsync(Endpoint.parse(uri), codec);
 *     }
 * });
 * }</pre>
 *
 * <p>The RPC layer owns and closes the channels it gets.
 */
public interface ChannelFactory {

    /** Opens a channel that encodes with {@code codec}; the codec must be used unchanged. */
    <T> CompletableFuture<Channel<T>> open(Codec<T> codec);
}
