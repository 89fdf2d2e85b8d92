package dev.conduit.rpc.interop;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.transport.socket.internal.TestPki;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conduit's client running every interop case against a Python grpcio server, plaintext and TLS. grpcio cannot tell
 * which responses it compressed, so server_compressed_* check sizes only here; the grpc-java pairing checks the wire.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConduitToPythonTest {
    private final Map<Boolean, PythonGrpc> servers = new HashMap<>();
    private final Map<Boolean, RpcChannel> channels = new HashMap<>();
    private Conduit conduit;

    private RpcChannel channel(boolean tls) {
        return channels.computeIfAbsent(tls, t -> {
            PythonGrpc.python();
            TestPki pki = TestPki.get();
            PythonGrpc server = t
                    ? PythonGrpc.start(
                            "server",
                            "--cert",
                            pki.cert("server").toString(),
                            "--key",
                            pki.key("server").toString())
                    : PythonGrpc.start("server");
            servers.put(t, server);
            String port = server.readLine(60).substring("listening ".length());
            if (conduit == null) {
                conduit = Conduit.create();
            }
            return RpcChannel.builder(conduit)
                    .target(t ? "grpcs://localhost:" + port + "?tls.trust=" + pki.ca() : "grpc://127.0.0.1:" + port)
                    .build();
        });
    }

    @AfterAll
    void stop() throws Exception {
        for (RpcChannel c : channels.values()) {
            c.close();
        }
        if (conduit != null) {
            conduit.close();
        }
        for (PythonGrpc s : servers.values()) {
            s.close();
        }
    }

    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("dev.conduit.rpc.interop.InteropCase#withAndWithoutTls")
    void conduitClientPassesTheInteropCaseAgainstPython(InteropCase c, boolean tls) throws Exception {
        new ConduitClient(channel(tls), expected -> {}).run(c);
    }
}
