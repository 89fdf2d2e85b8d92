package dev.conduit.rpc.interop;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.interop.testing.TestServiceRpc;
import dev.conduit.transport.socket.internal.TestPki;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * grpc-java's client, running every interop case against a Conduit server (generated stubs) on {@code grpc://} and
 * {@code grpcs://} at once: one server, two listeners.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcJavaToConduitTest {
    private Conduit conduit;
    private RpcServer server;
    private ManagedChannel plain;
    private ManagedChannel tls;

    @BeforeAll
    void start() throws Exception {
        TestPki pki = TestPki.get();
        conduit = Conduit.create();
        server = RpcServer.builder(conduit)
                .listen("grpc://127.0.0.1:0")
                .listen("grpcs://127.0.0.1:0?" + pki.serverOptions())
                .addService(TestServiceRpc.bindService(new ConduitTestService()))
                .start();
        plain = NettyChannelBuilder.forAddress(
                        "127.0.0.1", server.endpoints().get(0).port())
                .usePlaintext()
                .build();
        tls = NettyChannelBuilder.forAddress(
                        "127.0.0.1", server.endpoints().get(1).port())
                .overrideAuthority("localhost")
                .sslContext(GrpcSslContexts.forClient()
                        .trustManager(pki.ca().toFile())
                        .build())
                .build();
    }

    @AfterAll
    void stop() throws Exception {
        if (plain != null) {
            plain.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (tls != null) {
            tls.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        if (conduit != null) {
            conduit.close();
        }
    }

    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("dev.conduit.rpc.interop.InteropCase#withAndWithoutTls")
    void grpcJavaClientPassesTheInteropCaseAgainstConduit(InteropCase c, boolean useTls) throws Exception {
        new GrpcJavaClient(useTls ? tls : plain).run(c);
    }
}
