package dev.conduit.rpc.suite;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcServer;

/** The suite's server as a program: prints {@code listening on <uri>} and serves until its stdin closes. */
public final class TestServerMain {
    private TestServerMain() {}

    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("server").build();
                RpcServer server = TestServers.start(conduit, args[0])) {
            System.out.println("listening on " + server.endpoints().get(0));
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin
            }
        }
    }
}
