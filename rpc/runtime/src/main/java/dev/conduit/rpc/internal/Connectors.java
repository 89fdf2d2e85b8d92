package dev.conduit.rpc.internal;

import dev.conduit.core.Channel;
import dev.conduit.core.Codec;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.rpc.ChannelFactory;
import dev.conduit.rpc.internal.grpc.GrpcTransport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * How a client channel connects to an endpoint: Conduit's protocol over a channel of the runtime's transports (or the
 * user's {@link ChannelFactory}), or HTTP/2 to a gRPC server. Immutable; shared by every subchannel of the channel.
 */
final class Connectors {
    private final Conduit conduit;
    private final RpcConfig config;
    private final FrameCodec codec;
    private final Duration idleTimeout;
    private final boolean keepAliveSet;

    Connectors(Conduit conduit, RpcConfig config, Duration idleTimeout, boolean keepAliveSet) {
        this.conduit = conduit;
        this.config = config;
        this.codec = new FrameCodec(config.maxMessageSize());
        this.idleTimeout = idleTimeout;
        this.keepAliveSet = keepAliveSet;
    }

    /**
     * A connector for one endpoint URI: a gRPC server, or a Conduit transport's endpoint (one connection, even for a
     * transport that lists instances: a resolver already named the instance).
     *
     * @throws dev.conduit.core.EndpointException if the URI is not valid or no transport serves it
     */
    CarrierConnector forUri(Endpoint asked) {
        if (GrpcTransport.serves(asked)) {
            return GrpcTransport.connector(asked, conduit.transportContext(), config, idleTimeout, keepAliveSet);
        }
        conduit.checkConnect(asked);
        return transport(Endpoints.forRpc(asked, config.maxMessageSize()));
    }

    /** Conduit's protocol over the runtime's transports to {@code endpoint}, taken as it is. */
    CarrierConnector transport(Endpoint endpoint) {
        return conduit(new ChannelFactory() {
            @Override
            public <T> CompletableFuture<Channel<T>> open(Codec<T> c) {
                return conduit.connectAsync(endpoint, c);
            }
        });
    }

    /** Conduit's protocol over the channels {@code factory} opens. */
    CarrierConnector conduit(ChannelFactory factory) {
        return listener -> factory.open(codec).thenCompose(ch -> {
            ClientConnection c = new ClientConnection(ch, config, listener, idleTimeout);
            listener.opened(c);
            return c.handshake().<ClientCarrier>thenApply(ready -> ready);
        });
    }
}
