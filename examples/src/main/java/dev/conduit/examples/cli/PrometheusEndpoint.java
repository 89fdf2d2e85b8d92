package dev.conduit.examples.cli;

import dev.conduit.rpc.opentelemetry.ConduitOpenTelemetry;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code --metrics HOST:PORT}: an OpenTelemetry SDK whose metrics (gRPC's, from {@link ConduitOpenTelemetry}) are
 * served as Prometheus text at {@code http://HOST:PORT/metrics} by the SDK's Prometheus exporter. The exporter's
 * reader is served by Prometheus's own HTTP server, which tells the port it bound (so port 0 works). One thread
 * answers scrapes; {@link #close()} stops it and the SDK.
 */
final class PrometheusEndpoint implements AutoCloseable {
    private final OpenTelemetrySdk sdk;
    private final ExecutorService scrapes;
    private final HTTPServer http;
    private final String url;

    private PrometheusEndpoint(OpenTelemetrySdk sdk, ExecutorService scrapes, HTTPServer http, String host) {
        this.sdk = sdk;
        this.scrapes = scrapes;
        this.http = http;
        this.url = "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + http.getPort() + "/metrics";
    }

    /** Starts serving on {@code address}. */
    static PrometheusEndpoint start(InetSocketAddress address) throws IOException {
        PrometheusMetricReader reader = PrometheusMetricReader.create();
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(reader);
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(
                        SdkMeterProvider.builder().registerMetricReader(reader).build())
                .build();
        ExecutorService scrapes = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "conduit-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            HTTPServer http = HTTPServer.builder()
                    .inetAddress(address.getAddress())
                    .port(address.getPort())
                    .registry(registry)
                    .executorService(scrapes)
                    .buildAndStart();
            return new PrometheusEndpoint(sdk, scrapes, http, address.getHostString());
        } catch (IOException | RuntimeException e) {
            scrapes.shutdownNow();
            sdk.close();
            throw e;
        }
    }

    /** Metrics and traces for RPC through this endpoint's SDK (traces go nowhere: no exporter is set). */
    ConduitOpenTelemetry telemetry() {
        return ConduitOpenTelemetry.create(sdk);
    }

    /** Where Prometheus scrapes: {@code http://127.0.0.1:9464/metrics}. */
    String url() {
        return url;
    }

    @Override
    public void close() {
        http.close();
        scrapes.shutdownNow();
        sdk.close();
    }
}
