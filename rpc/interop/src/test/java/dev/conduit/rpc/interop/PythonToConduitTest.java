package dev.conduit.rpc.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.interop.testing.TestServiceRpc;
import dev.conduit.transport.socket.internal.TestPki;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Python grpcio's client, running every interop case against a Conduit server on {@code grpc://} and {@code
 * grpcs://}. One Python process per transport runs all the cases (a process per case would spend most of the time
 * starting Python) and reports each; each case is then its own test here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonToConduitTest {
    private Conduit conduit;
    private RpcServer server;
    private final Map<Boolean, Map<String, String>> results = new HashMap<>();

    private Map<String, String> results(boolean tls) throws Exception {
        Map<String, String> r = results.get(tls);
        if (r == null) {
            PythonGrpc.python();
            if (server == null) {
                TestPki pki = TestPki.get();
                conduit = Conduit.create();
                server = RpcServer.builder(conduit)
                        .listen("grpc://127.0.0.1:0")
                        .listen("grpcs://127.0.0.1:0?" + pki.serverOptions())
                        .addService(TestServiceRpc.bindService(new ConduitTestService()))
                        .start();
            }
            String cases = Arrays.stream(InteropCase.values())
                    .map(InteropCase::caseName)
                    .collect(Collectors.joining(","));
            int port = server.endpoints().get(tls ? 1 : 0).port();
            String[] args = tls
                    ? new String[] {
                        "client",
                        "--port",
                        "" + port,
                        "--cases",
                        cases,
                        "--ca",
                        TestPki.get().ca().toString()
                    }
                    : new String[] {"client", "--port", "" + port, "--cases", cases};
            r = new HashMap<>();
            try (PythonGrpc client = PythonGrpc.start(args)) {
                for (int i = 0; i < InteropCase.values().length; i++) {
                    String line = client.readLine(120);
                    String name = line.substring(5).split(":", 2)[0];
                    r.put(name, line);
                }
            }
            results.put(tls, r);
        }
        return r;
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (conduit != null) {
            conduit.close();
        }
    }

    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("dev.conduit.rpc.interop.InteropCase#withAndWithoutTls")
    void pythonClientPassesTheInteropCaseAgainstConduit(InteropCase c, boolean tls) throws Exception {
        assertThat(results(tls).get(c.caseName())).isEqualTo("PASS " + c.caseName());
    }
}
