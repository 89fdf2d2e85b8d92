package dev.conduit.examples.cli;

import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.examples.kv.KvRpc;
import dev.conduit.examples.kv.KvStore;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.health.HealthService;
import dev.conduit.rpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit kv-server URI...}: serves one key-value store on every URI at once (for example tcp and shm), with gRPC's
 * health service (the store {@code conduit.kv.Kv} and the server report SERVING until shutdown) and server reflection,
 * so that {@code conduit health} and {@code conduit call} work on it. Prints {@code listening on <bound URI>} once per
 * URI, in order, then runs until interrupted.
 */
@Command(
        name = "kv-server",
        mixinStandardHelpOptions = true,
        description = "Serve a key-value store, with health and reflection, on one or more URIs at once; print"
                + " 'listening on <bound URI>' for each.")
final class KvServerCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "URI", description = "endpoints, e.g. tcp://127.0.0.1:7000 shm://kv")
    List<String> uris;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Conduit conduit = Conduit.builder().name("kv-server").build()) {
            HealthService health = new HealthService();
            RpcServer.Builder builder = RpcServer.builder(conduit)
                    .addService(KvRpc.bindService(new KvStore()))
                    .addHealthService(health)
                    .addReflectionService();
            uris.forEach(builder::listen);
            try (RpcServer server = builder.start()) {
                health.setStatus(KvRpc.SERVICE_NAME, ServingStatus.SERVING);
                for (Endpoint e : server.endpoints()) {
                    out.println("listening on " + e);
                }
                out.flush();
                Thread hook = new Thread(server::close, "conduit-kv-server-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
        }
        return 0;
    }
}
