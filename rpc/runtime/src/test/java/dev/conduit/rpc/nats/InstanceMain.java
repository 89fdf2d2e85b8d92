package dev.conduit.rpc.nats;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcServer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * An instance of {@link InstanceService} as a program, for tests that kill one with SIGKILL: {@code InstanceMain <uri>
 * <name>} prints {@code listening on <uri>} and serves until its stdin closes.
 */
public final class InstanceMain {
    private InstanceMain() {}

    public static void main(String[] args) throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (Conduit conduit = Conduit.builder().name("instance").build();
                RpcServer server = RpcServer.builder(conduit)
                        .listen(args[0])
                        .addService(InstanceService.definition(args[1], timer))
                        .start()) {
            System.out.println("listening on " + server.endpoints().get(0));
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin
            }
        } finally {
            timer.shutdownNow();
        }
    }
}
