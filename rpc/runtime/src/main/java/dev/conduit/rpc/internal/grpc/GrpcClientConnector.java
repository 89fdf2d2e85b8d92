package dev.conduit.rpc.internal.grpc;

import dev.conduit.core.spi.netty.NettyLoops;
import dev.conduit.rpc.internal.CarrierListener;
import dev.conduit.rpc.internal.ClientCarrier;
import dev.conduit.rpc.internal.RpcConfig;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

final class GrpcClientConnector {
    private GrpcClientConnector() {}

    static CompletableFuture<ClientCarrier> connect(
            GrpcEndpoint e, @Nullable SslContext tls, NettyLoops loops, RpcConfig config, CarrierListener listener) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("not yet"));
    }
}
