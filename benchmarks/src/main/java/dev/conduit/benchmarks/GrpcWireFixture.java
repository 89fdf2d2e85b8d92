package dev.conduit.benchmarks;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * gRPC on the wire over TCP, in one of four pairings of client and server: grpc-java or Conduit ({@code grpc://}) on
 * each side, the same two methods ({@link GrpcFixture#service}, {@link RpcFixture#service}: a unary echo and a server
 * stream of byte messages, raw bytes on both sides). Handlers and clients use direct executors everywhere.
 */
public final class GrpcWireFixture implements AutoCloseable {
    private final Server grpcServer;
    private final Conduit conduit;
    private final RpcServer conduitServer;
    private final ManagedChannel grpcClient;
    private final RpcChannel conduitClient;

    /** @param pairing {@code client>server}: {@code grpc-java>grpc-java}, {@code conduit>grpc-java}, ... */
    public GrpcWireFixture(String pairing) {
        String[] sides = pairing.split(">", -1);
        if (sides.length != 2) {
            throw new IllegalArgumentException("pairing is client>server, for example conduit>grpc-java: " + pairing);
        }
        conduit = Conduit.builder().name("grpc-bench").build();
        int port;
        try {
            if (sides[1].equals("grpc-java")) {
                grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .addService(GrpcFixture.service())
                        .directExecutor()
                        .build()
                        .start();
                conduitServer = null;
                port = ((InetSocketAddress) grpcServer.getListenSockets().get(0)).getPort();
            } else {
                conduitServer = RpcServer.builder(conduit)
                        .listen("grpc://127.0.0.1:0")
                        .addService(RpcFixture.service())
                        .directExecutor()
                        .start();
                grpcServer = null;
                port = conduitServer.endpoints().get(0).port();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (sides[0].equals("grpc-java")) {
            grpcClient = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .usePlaintext()
                    .directExecutor()
                    .build();
            conduitClient = null;
        } else {
            conduitClient = RpcChannel.builder(conduit)
                    .target("grpc://127.0.0.1:" + port)
                    .build();
            grpcClient = null;
        }
    }

    /** One unary call. */
    public byte[] unary(byte[] request) {
        return grpcClient != null ? GrpcFixture.unary(grpcClient, request) : RpcFixture.unary(conduitClient, request);
    }

    /** One server-streaming call of {@code count} messages of {@code size} bytes, read by a blocking iterator. */
    public long stream(int count, int size) {
        return grpcClient != null
                ? GrpcFixture.stream(grpcClient, count, size)
                : RpcFixture.stream(conduitClient, count, size);
    }

    /** Like {@link #stream}, read by an observer on the transport thread. */
    public long streamAsync(int count, int size) {
        return grpcClient != null
                ? GrpcFixture.streamAsync(grpcClient, count, size)
                : RpcFixture.streamAsync(conduitClient, count, size);
    }

    @Override
    public void close() {
        try {
            if (grpcClient != null) {
                grpcClient.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            if (conduitClient != null) {
                conduitClient.close();
            }
            if (grpcServer != null) {
                grpcServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            if (conduitServer != null) {
                conduitServer.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            conduit.close();
        }
    }
}
