package dev.conduit.benchmarks.charts;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Results of JMH runs, read from the JSON that {@code -rf json -rff FILE} writes: for each benchmark and parameter
 * set, its mode, its sampled percentiles in microseconds, and how long it was measured. Immutable.
 */
record JmhResults(List<Entry> entries) {

    /**
     * One benchmark with one set of parameters.
     *
     * @param benchmark the benchmark method, without the package: {@code ShmBenchmark.roundTrip}
     * @param mode JMH's mode: {@code sample}, {@code thrpt}, ...
     * @param params the {@code @Param} values
     * @param percentilesMicros for {@code sample} mode, the percentile (as JMH writes it, {@code "50.0"}) to µs
     * @param run how it was measured: forks and iterations
     */
    record Entry(
            String benchmark, String mode, Map<String, String> params, Map<String, Double> percentilesMicros, Run run) {
        /** Whether this entry is {@code benchmark} with every one of {@code wanted}'s parameters. */
        boolean matches(String benchmark, Map<String, String> wanted) {
            return this.benchmark.equals(benchmark)
                    && wanted.entrySet().stream().allMatch(w -> w.getValue().equals(params.get(w.getKey())));
        }
    }

    /** How a benchmark was measured. */
    record Run(
            int forks,
            int warmupIterations,
            String warmupTime,
            int measurementIterations,
            String measurementTime,
            String jdk) {
        /** Fewer than 2 forks or 3 measured iterations: a pass that proves the benchmark runs, not its figures. */
        boolean smoke() {
            return forks < 2 || measurementIterations < 3;
        }

        @Override
        public String toString() {
            return forks + (forks == 1 ? " fork, " : " forks, ") + warmupIterations + "×" + warmupTime + " warm-up, "
                    + measurementIterations + "×" + measurementTime + " measured, JDK " + jdk;
        }
    }

    /** Reads and merges JMH JSON files. */
    static JmhResults read(List<Path> files) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Path file : files) {
            try (Reader in = Files.newBufferedReader(file)) {
                for (JsonElement e : JsonParser.parseReader(in).getAsJsonArray()) {
                    entries.add(entry(e.getAsJsonObject()));
                }
            } catch (IllegalStateException | com.google.gson.JsonParseException e) {
                throw new IOException(file + " is not JMH's JSON output (-rf json): " + e.getMessage(), e);
            }
        }
        return new JmhResults(List.copyOf(entries));
    }

    private static Entry entry(JsonObject o) {
        String fqcn = o.get("benchmark").getAsString();
        String[] parts = fqcn.split("\\.");
        String benchmark = parts[parts.length - 2] + "." + parts[parts.length - 1];
        Map<String, String> params = new LinkedHashMap<>();
        if (o.has("params")) {
            o.getAsJsonObject("params")
                    .entrySet()
                    .forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
        }
        JsonObject metric = o.getAsJsonObject("primaryMetric");
        double scale = microsPer(metric.get("scoreUnit").getAsString());
        Map<String, Double> percentiles = new LinkedHashMap<>();
        if (metric.has("scorePercentiles")) {
            metric.getAsJsonObject("scorePercentiles")
                    .entrySet()
                    .forEach(p -> percentiles.put(p.getKey(), p.getValue().getAsDouble() * scale));
        }
        Run run = new Run(
                o.get("forks").getAsInt(),
                o.get("warmupIterations").getAsInt(),
                o.get("warmupTime").getAsString(),
                o.get("measurementIterations").getAsInt(),
                o.get("measurementTime").getAsString(),
                o.has("jdkVersion") ? o.get("jdkVersion").getAsString() : "?");
        return new Entry(benchmark, o.get("mode").getAsString(), Map.copyOf(params), Map.copyOf(percentiles), run);
    }

    /** Microseconds per unit of a JMH time-per-operation unit; NaN for rates, which have no percentiles to chart. */
    private static double microsPer(String unit) {
        return switch (unit) {
            case "ns/op" -> 1e-3;
            case "us/op" -> 1;
            case "ms/op" -> 1e3;
            case "s/op" -> 1e6;
            default -> Double.NaN;
        };
    }
}
