package dev.conduit.examples.cli;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.health.HealthService;
import dev.conduit.rpc.health.v1.HealthCheckRequest;
import dev.conduit.rpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit health URI [SERVICE]}: asks the server's {@code grpc.health.v1.Health} for a status and prints it
 * ({@code SERVING}, {@code NOT_SERVING}, {@code UNKNOWN}); exits 0 only when SERVING, so that it serves as a probe.
 */
@Command(
        name = "health",
        mixinStandardHelpOptions = true,
        description = "Print the health status of SERVICE (default: the server as a whole) from the server's"
                + " grpc.health.v1.Health: SERVING, NOT_SERVING or UNKNOWN.",
        footer = "Exit codes: 0 SERVING; 4 NOT_SERVING or UNKNOWN; 64+code when the check fails (69 NOT_FOUND: no"
                + " status for SERVICE, 76 UNIMPLEMENTED: no health service, 78 UNAVAILABLE: no server, 68"
                + " DEADLINE_EXCEEDED: no answer within --timeout); 64 usage error; 1 any other failure.")
final class HealthCommand implements Callable<Integer> {
    /** The exit code of a server that answered, with any status but SERVING. */
    static final int NOT_SERVING = 4;

    @Parameters(index = "0", paramLabel = "URI", converter = Arguments.Uri.class, description = "the server's endpoint")
    String uri;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "SERVICE",
            defaultValue = "",
            description = "pkg.Service (default: the whole server)")
    String service;

    @Option(
            names = "--timeout",
            defaultValue = "10s",
            paramLabel = "DURATION",
            converter = Arguments.Time.class,
            description = "how long to wait for the answer (default 10s)")
    Duration timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Conduit conduit = Conduit.builder().name("health").build();
                RpcChannel channel = RpcChannel.builder(conduit).target(uri).build()) {
            ServingStatus status = ClientCalls.blockingUnary(
                            channel,
                            HealthService.CHECK,
                            CallOptions.DEFAULT.withTimeout(timeout),
                            HealthCheckRequest.newBuilder().setService(service).build())
                    .getStatus();
            out.println(status);
            out.flush();
            return status == ServingStatus.SERVING ? 0 : NOT_SERVING;
        } catch (RpcException e) {
            return RpcExits.failed(spec.commandLine().getErr(), e);
        }
    }
}
