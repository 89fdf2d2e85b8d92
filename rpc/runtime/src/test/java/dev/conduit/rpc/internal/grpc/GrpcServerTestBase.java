package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.RpcServer;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;

/** A {@link GrpcTestServer} and a bare HTTP/2 client connected to it, closed after each test. */
abstract class GrpcServerTestBase {
    GrpcTestServer server;
    H2TestClient client;

    void start(Consumer<RpcServer.Builder> settings) throws Exception {
        server = new GrpcTestServer(settings);
        client = new H2TestClient(server.port());
    }

    @AfterEach
    void stopServerAndClient() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            int left = server.server.activeCalls();
            server.close();
            org.assertj.core.api.Assertions.assertThat(left)
                    .as("calls left behind")
                    .isZero();
        }
    }
}
