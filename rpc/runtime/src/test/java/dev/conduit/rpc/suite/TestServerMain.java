package dev.conduit.rpc.suite;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The suite's server as a program: {@code TestServerMain <listen-uri> [<name> [failing]]}. Prints {@code listening on
 * <uri>} and serves until its stdin closes. With a name it also serves {@link Whoami} under that name, failing with
 * UNAVAILABLE from the start if {@code failing} is given; the parent switches that with the lines {@code fail} and
 * {@code serve} on stdin.
 */
public final class TestServerMain {
    private TestServerMain() {}

    public static void main(String[] args) throws Exception {
        AtomicBoolean failing = new AtomicBoolean(args.length > 2 && args[2].equals("failing"));
        try (Conduit conduit = Conduit.builder().name("server").build();
                RpcServer server = TestServers.start(
                        conduit, args.length > 1 ? Whoami.service(args[1], failing::get) : null, args[0])) {
            System.out.println("listening on " + server.endpoints().get(0));
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                switch (line.trim()) {
                    case "fail" -> failing.set(true);
                    case "serve" -> failing.set(false);
                    default -> {}
                }
            }
        }
    }
}
