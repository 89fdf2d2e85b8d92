package dev.conduit.benchmarks.charts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One chart: categories along the x axis, series as bars beside each other, and for each cell the benchmark and
 * parameters whose sampled round trip fills it. A cell left out stays empty. Built once, then read.
 *
 * @param file the PNG's name under the output directory
 * @param title what the chart compares
 * @param categories x-axis labels, in order
 * @param series bar labels (the legend), in order
 * @param cells for each series, for each category, what to read; may be missing
 */
record Comparison(
        String file, String title, List<String> categories, List<String> series, Map<String, Map<String, Cell>> cells) {

    /**
     * A benchmark and the parameters that select one of its results.
     *
     * @param benchmark {@code Class.method}
     * @param params the {@code @Param} values to match
     */
    record Cell(String benchmark, Map<String, String> params) {}

    static Builder builder(String file, String title) {
        return new Builder(file, title);
    }

    /** Fills a {@link Comparison} cell by cell. Not thread-safe. */
    static final class Builder {
        private final String file;
        private final String title;
        private final List<String> categories = new ArrayList<>();
        private final List<String> series = new ArrayList<>();
        private final Map<String, Map<String, Cell>> cells = new LinkedHashMap<>();

        private Builder(String file, String title) {
            this.file = file;
            this.title = title;
        }

        /**
         * The bar of {@code seriesLabel} in {@code category}: benchmark {@code benchmark} with {@code params} given as
         * {@code name=value} strings.
         */
        Builder cell(String category, String seriesLabel, String benchmark, String... params) {
            if (!categories.contains(category)) {
                categories.add(category);
            }
            if (!series.contains(seriesLabel)) {
                series.add(seriesLabel);
            }
            Map<String, String> p = new LinkedHashMap<>();
            for (String param : params) {
                int eq = param.indexOf('=');
                p.put(param.substring(0, eq), param.substring(eq + 1));
            }
            cells.computeIfAbsent(seriesLabel, s -> new LinkedHashMap<>()).put(category, new Cell(benchmark, p));
            return this;
        }

        Comparison build() {
            return new Comparison(file, title, List.copyOf(categories), List.copyOf(series), cells);
        }
    }
}
