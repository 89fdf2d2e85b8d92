package dev.conduit.rpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** An OpenTelemetry SDK whose metrics and spans stay in memory for a test to read; W3C trace context propagation. */
final class OtelFixture implements AutoCloseable {
    final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setMeterProvider(
                    SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();

    /** The metric called {@code name}, collected now; empty if nothing was recorded. */
    Optional<MetricData> metric(String name) {
        Collection<MetricData> all = metrics.collectAllMetrics();
        return all.stream().filter(m -> m.getName().equals(name)).findFirst();
    }

    /** The names of every metric recorded so far. */
    List<String> metricNames() {
        return metrics.collectAllMetrics().stream()
                .map(MetricData::getName)
                .sorted()
                .toList();
    }

    /** The one point of histogram {@code name} with exactly {@code attributes}; fails if there is none. */
    HistogramPointData histogram(String name, String unit, Attributes attributes) {
        MetricData m = metric(name).orElseThrow(() -> new AssertionError("no metric " + name));
        assertThat(m.getUnit()).as("unit of " + name).isEqualTo(unit);
        return m.getHistogramData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(attributes))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " has no point with " + attributes + "; it has "
                        + m.getHistogramData().getPoints().stream()
                                .map(HistogramPointData::getAttributes)
                                .toList()));
    }

    /** The value of counter {@code name} with exactly {@code attributes}; fails if there is none. */
    long counter(String name, String unit, Attributes attributes) {
        MetricData m = metric(name).orElseThrow(() -> new AssertionError("no metric " + name));
        assertThat(m.getUnit()).as("unit of " + name).isEqualTo(unit);
        return m.getLongSumData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(LongPointData::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " has no point with " + attributes + "; it has "
                        + m.getLongSumData().getPoints().stream()
                                .map(LongPointData::getAttributes)
                                .toList()));
    }

    @Override
    public void close() {
        sdk.close();
    }
}
