package dev.conduit.rpc.interop;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.transport.socket.internal.TestPki;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conduit's client (generated stubs over {@code grpc://} and {@code grpcs://}) running every interop case against a
 * grpc-java server, which also reports which of its responses it compressed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConduitToGrpcJavaTest {
    private Server plainServer;
    private Server tlsServer;
    private Conduit conduit;
    private RpcChannel plain;
    private RpcChannel tls;

    @BeforeAll
    void start() throws Exception {
        TestPki pki = TestPki.get();
        plainServer = server(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)));
        tlsServer = server(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(
                                pki.cert("server").toFile(), pki.key("server").toFile())
                        .build()));
        conduit = Conduit.create();
        plain = RpcChannel.builder(conduit)
                .target("grpc://127.0.0.1:" + port(plainServer))
                .build();
        tls = RpcChannel.builder(conduit)
                .target("grpcs://localhost:" + port(tlsServer) + "?tls.trust=" + pki.ca())
                .build();
    }

    private static Server server(NettyServerBuilder b) throws Exception {
        return b.addService(ServerInterceptors.intercept(GrpcJavaService.definition(), GrpcJavaService.ECHO_METADATA))
                .addStreamTracerFactory(GrpcJavaService.TRACER)
                .build()
                .start();
    }

    private static int port(Server s) {
        return ((InetSocketAddress) s.getListenSockets().get(0)).getPort();
    }

    @AfterAll
    void stop() throws Exception {
        for (RpcChannel c : new RpcChannel[] {plain, tls}) {
            if (c != null) {
                c.close();
            }
        }
        if (conduit != null) {
            conduit.close();
        }
        for (Server s : new Server[] {plainServer, tlsServer}) {
            if (s != null) {
                s.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    @BeforeEach
    void forgetEarlierCalls() {
        GrpcJavaService.RESPONSES_COMPRESSED.clear();
    }

    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("dev.conduit.rpc.interop.InteropCase#withAndWithoutTls")
    void conduitClientPassesTheInteropCaseAgainstGrpcJava(InteropCase c, boolean useTls) throws Exception {
        new ConduitClient(useTls ? tls : plain, GrpcJavaService::assertResponsesCompressed).run(c);
    }
}
