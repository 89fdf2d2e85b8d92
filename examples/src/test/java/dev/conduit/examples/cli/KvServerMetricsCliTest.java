package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.examples.cli.CliTest.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code conduit kv-server --metrics HOST:PORT}: gRPC's metrics as Prometheus text, scraped over loopback. */
class KvServerMetricsCliTest {
    private Thread server;
    private CompletableFuture<Integer> exit;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.interrupt();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void metricsOptionServesGrpcServerMetricsAsPrometheusTextAtThePrintedAddress() throws Exception {
        String tcp = "tcp://127.0.0.1:0";
        StringWriter out = new StringWriter();
        exit = new CompletableFuture<>();
        server = new Thread(() -> {
            CommandLine cli = ConduitCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            exit.complete(cli.execute("kv-server", tcp, "--metrics", "127.0.0.1:0"));
        });
        server.start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> out.toString().lines().count() >= 2);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).startsWith("listening on tcp://127.0.0.1:");
        assertThat(lines.get(1)).matches("metrics on http://127\\.0\\.0\\.1:[1-9][0-9]*/metrics");
        String uri = lines.get(0).substring("listening on ".length());
        URI metrics = URI.create(lines.get(1).substring("metrics on ".length()));

        Run put = CliTest.run("kv", uri, "put", "fruit/apple", "red");
        assertThat(put.exitCode()).as(put.err()).isZero();

        HttpClient http = HttpClient.newHttpClient();
        // The server records a call once its status is written, which may be just after the client has heard it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> scrape = http.send(
                    HttpRequest.newBuilder(metrics)
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body().lines())
                    .anyMatch(l -> l.startsWith("grpc_server_call_duration_seconds_count{")
                            && l.contains("grpc_method=\"conduit.kv.Kv/Put\"")
                            && l.contains("grpc_status=\"OK\"")
                            && l.contains("conduit_transport=\"tcp\"")
                            && l.endsWith(" 1"))
                    .anyMatch(l -> l.startsWith("grpc_server_call_started_total{")
                            && l.contains("grpc_method=\"conduit.kv.Kv/Put\""))
                    .anyMatch(l -> l.startsWith("grpc_server_call_rcvd_total_compressed_message_size_bytes_count{"));
        });
    }

    @Test
    void metricsAddressThatIsNotHostColonPortIsAUsageError() {
        Run run = CliTest.run("kv-server", "inproc://metrics-usage", "--metrics", "9464");

        assertThat(run.exitCode()).isEqualTo(64);
        assertThat(run.err()).contains("expected HOST:PORT such as 127.0.0.1:9464");
    }
}
