package dev.conduit.examples.cli;

import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.examples.kv.KvRpc;
import dev.conduit.examples.kv.KvStore;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.health.HealthService;
import dev.conduit.rpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit kv-server URI...}: serves one key-value store on every URI at once (for example tcp and shm), with gRPC's
 * health service (the store {@code conduit.kv.Kv} and the server report SERVING until shutdown) and server reflection,
 * so that {@code conduit health} and {@code conduit call} work on it. Prints {@code listening on <bound URI>} once per
 * URI, in order, then serves until stopped. SIGTERM or Ctrl-C stops it in order: it stops accepting (its socket files
 * go at once), turns health NOT_SERVING, sends GOAWAY, lets calls finish for {@code --close-timeout}, ends the rest
 * with UNAVAILABLE, and exits (with 143 after SIGTERM, as any JVM a signal ends). With {@code --metrics HOST:PORT}
 * it also serves its RPC metrics (gRPC's OpenTelemetry names) as Prometheus text, and prints {@code metrics on
 * http://HOST:PORT/metrics} with the bound port after the listening lines.
 */
@Command(
        name = "kv-server",
        mixinStandardHelpOptions = true,
        description = "Serve a key-value store, with health and reflection, on one or more URIs at once; print"
                + " 'listening on <bound URI>' for each. SIGTERM or Ctrl-C stops it in order.")
final class KvServerCommand implements Callable<Integer> {

    @Parameters(
            arity = "1..*",
            paramLabel = "URI",
            converter = Arguments.Uri.class,
            description = "endpoints, e.g. tcp://127.0.0.1:7000 shm://kv")
    List<String> uris;

    @Option(
            names = "--close-timeout",
            paramLabel = "DURATION",
            converter = Arguments.Time.class,
            description = "on SIGTERM, how long calls in flight may finish before they end UNAVAILABLE (default 10s)")
    @Nullable
    Duration closeTimeout;

    /** The old name of --close-timeout (RpcServer.Builder's shutdownTimeout), still accepted for one release. */
    @Option(names = "--shutdown-timeout", hidden = true, paramLabel = "DURATION", converter = Arguments.Time.class)
    @Nullable
    Duration shutdownTimeout;

    @Option(
            names = "--metrics",
            paramLabel = "HOST:PORT",
            converter = Arguments.HostPort.class,
            description = "serve RPC metrics as Prometheus text at http://HOST:PORT/metrics (port 0: any free port)")
    @Nullable
    InetSocketAddress metrics;

    @Spec
    CommandSpec spec;

    private Duration closeTimeout() {
        Duration given = closeTimeout != null ? closeTimeout : shutdownTimeout;
        return given != null ? given : Duration.ofSeconds(10);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Conduit conduit = Conduit.builder().name("kv-server").build();
                PrometheusEndpoint prometheus = metrics == null ? null : PrometheusEndpoint.start(metrics)) {
            HealthService health = new HealthService();
            RpcServer.Builder builder = RpcServer.builder(conduit)
                    .addService(KvRpc.bindService(new KvStore()))
                    .addHealthService(health)
                    .addReflectionService()
                    .closeTimeout(closeTimeout());
            uris.forEach(builder::listen);
            if (prometheus != null) {
                prometheus.telemetry().configure(builder);
            }
            try (RpcServer server = builder.start()) {
                health.setStatus(KvRpc.SERVICE_NAME, ServingStatus.SERVING);
                for (Endpoint e : server.endpoints()) {
                    out.println("listening on " + e);
                }
                if (prometheus != null) {
                    out.println("metrics on " + prometheus.url());
                }
                out.flush();
                // docs/rpc.md's way to serve until stopped: the hook stops the server in order, the main thread waits.
                Thread hook = new Thread(server::close, "conduit-kv-server-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    server.awaitTermination();
                } catch (InterruptedException e) {
                    // interrupted (tests): stop here, the try-with-resources closes the server
                } finally {
                    removeHook(hook);
                }
            }
        }
        return 0;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is stopping: the hook is running, or has run
        }
    }
}
