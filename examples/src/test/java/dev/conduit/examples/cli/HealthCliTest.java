package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Conduit;
import dev.conduit.examples.cli.CliTest.Run;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.health.HealthService;
import dev.conduit.rpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code conduit health}: the status on stdout, exit 0 only when SERVING, 4 otherwise, 64+code when the check fails;
 * against kv-server over tcp, unix and shm, and across processes, where a watcher sees the server's shutdown.
 */
class HealthCliTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final BackgroundCommands commands = new BackgroundCommands();
    private Process child;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.destroy();
            assertThat(child.waitFor(30, TimeUnit.SECONDS))
                    .as("kv-server exits on SIGTERM")
                    .isTrue();
        }
        commands.close();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("files left behind").isEmpty();
        }
    }

    private String uri(String transport) {
        return switch (transport) {
            case "tcp" -> "tcp://127.0.0.1:0";
            case "unix" -> "unix://" + dir.resolve("kv.sock");
            case "shm" -> "shm://health-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "?dir=" + dir;
            default -> throw new IllegalArgumentException(transport);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "unix", "shm"})
    void kvServerIsServingAndAnUnknownServiceIsNotFound(String transport) {
        String uri = commands.kvServer(uri(transport)).get(0);
        Run overall = CliTest.run("health", uri);
        assertThat(overall.exitCode()).as(overall.err()).isZero();
        assertThat(overall.out()).isEqualTo("SERVING\n");
        Run kv = CliTest.run("health", uri, "conduit.kv.Kv");
        assertThat(kv.exitCode()).as(kv.err()).isZero();
        assertThat(kv.out()).isEqualTo("SERVING\n");

        Run unknown = CliTest.run("health", uri, "conduit.kv.Nope");
        assertThat(unknown.exitCode()).isEqualTo(64 + 5);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err()).isEqualTo("conduit: NOT_FOUND: no health status for service 'conduit.kv.Nope'\n");
    }

    @Test
    void aStatusOtherThanServingExitsFourAndNoHealthServiceExits76() throws Exception {
        HealthService health = new HealthService();
        try (Conduit conduit = Conduit.builder().name("health-cli").build();
                RpcServer withHealth = RpcServer.builder(conduit)
                        .listen("tcp://127.0.0.1:0")
                        .addHealthService(health)
                        .start();
                RpcServer without = RpcServer.builder(conduit)
                        .listen("tcp://127.0.0.1:0")
                        .addReflectionService()
                        .start()) {
            String uri = withHealth.endpoints().get(0).toString();
            health.setStatus("", ServingStatus.NOT_SERVING);
            health.setStatus("demo.Unsure", ServingStatus.UNKNOWN);
            Run notServing = CliTest.run("health", uri);
            assertThat(notServing.exitCode())
                    .isEqualTo(HealthCommand.NOT_SERVING)
                    .isEqualTo(4);
            assertThat(notServing.out()).isEqualTo("NOT_SERVING\n");
            Run unsure = CliTest.run("health", uri, "demo.Unsure");
            assertThat(unsure.exitCode()).isEqualTo(4);
            assertThat(unsure.out()).isEqualTo("UNKNOWN\n");

            Run none = CliTest.run("health", without.endpoints().get(0).toString());
            assertThat(none.exitCode()).isEqualTo(64 + 12);
            assertThat(none.err()).startsWith("conduit: UNIMPLEMENTED: ").contains("grpc.health.v1.Health/Check");
        }
    }

    @Test
    void aWatcherInAnotherProcessSeesNotServingWhenTheServerShutsDown() throws Exception {
        child = Endpoints.selfCommand("kv-server", uri("shm"))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader lines =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return lines.readLine();
                    } catch (java.io.IOException e) {
                        return null;
                    }
                })
                .get(60, TimeUnit.SECONDS);
        assertThat(first).startsWith("listening on shm://");
        String uri = first.substring("listening on ".length());
        assertThat(CliTest.run("health", uri, "conduit.kv.Kv").out()).isEqualTo("SERVING\n");

        BackgroundCommands.Running watch =
                commands.start(64 + 14, "call", uri, "grpc.health.v1.Health/Watch", "{\"service\":\"conduit.kv.Kv\"}");
        await().atMost(WAIT).until(() -> !watch.lines().isEmpty());
        assertThat(watch.lines()).containsExactly("{\"status\":\"SERVING\"}");

        child.destroy(); // SIGTERM: the server's shutdown hook closes it
        assertThat(watch.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(64 + 14);
        assertThat(watch.lines()).containsExactly("{\"status\":\"SERVING\"}", "{\"status\":\"NOT_SERVING\"}");
        assertThat(watch.err().toString()).isEqualTo("conduit: UNAVAILABLE: the server is shutting down\n");
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Run gone = CliTest.run("health", uri, "--timeout", "5s");
        assertThat(gone.exitCode()).isEqualTo(64 + 14);
        assertThat(gone.err()).startsWith("conduit: UNAVAILABLE: ");
    }
}
