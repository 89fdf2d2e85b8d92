package dev.conduit.benchmarks.charts;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the comparison charts of {@code docs/performance.md} from JMH's JSON results:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.conduit.benchmarks.charts.ChartRenderer [--out DIR] RESULTS.json...
 * </pre>
 *
 * <p>For each {@link Comparison} one PNG (default directory {@code docs/img}) with two panels, one above the other,
 * round-trip p50 and p99 in microseconds, on a log scale when the bars span more than a factor of 20. The footer says how the results
 * were measured, and a run too short to quote (fewer than 2 forks or 3 iterations) is marked as a smoke run on the
 * image itself. A comparison with no result in the files is skipped and named. Run by {@code benchmarks/charts}.
 */
public final class ChartRenderer {
    static final int PANEL_WIDTH = 1400;
    static final int PANEL_HEIGHT = 440;
    static final int FOOTER = 54;

    private ChartRenderer() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of("docs", "img");
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else {
                inputs.add(Path.of(args[i]));
            }
        }
        if (inputs.isEmpty()) {
            System.err.println("usage: ChartRenderer [--out DIR] RESULTS.json... (JMH's -rf json output)");
            System.exit(64);
        }
        JmhResults results = JmhResults.read(inputs);
        Files.createDirectories(out);
        for (Comparison c : ComparisonCharts.all()) {
            Path file = out.resolve(c.file());
            if (render(c, results, file)) {
                System.out.println("wrote " + file);
            } else {
                System.out.println("skipped " + file + ": none of its benchmarks are in the results");
            }
        }
    }

    /** Draws {@code c} from {@code results} into {@code file}; false if no cell had a result. */
    static boolean render(Comparison c, JmhResults results, Path file) throws IOException {
        Set<JmhResults.Run> runs = new LinkedHashSet<>();
        BufferedImage p50 = panel(c, results, "50.0", "p50 (median)", runs);
        BufferedImage p99 = panel(c, results, "99.0", "p99", runs);
        if (p50 == null || p99 == null) {
            return false;
        }
        BufferedImage image = new BufferedImage(PANEL_WIDTH, 2 * PANEL_HEIGHT + FOOTER, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(p50, 0, 0, null);
            g.drawImage(p99, 0, PANEL_HEIGHT, null);
            boolean smoke = runs.stream().anyMatch(JmhResults.Run::smoke);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.setColor(smoke ? new Color(0xb30000) : Color.DARK_GRAY);
            g.drawString(
                    smoke
                            ? "SMOKE RUN: too short to quote, figures indicative only"
                            : "JMH sampled round trips, lower is better",
                    12,
                    2 * PANEL_HEIGHT + 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.DARK_GRAY);
            g.drawString(
                    "measured: " + describe(runs) + "   |   regenerate: benchmarks/charts (see docs/performance.md)",
                    12,
                    2 * PANEL_HEIGHT + 42);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
        return true;
    }

    private static String describe(Set<JmhResults.Run> runs) {
        Set<String> distinct = new LinkedHashSet<>();
        runs.forEach(r -> distinct.add(r.toString()));
        return distinct.size() == 1 ? distinct.iterator().next() : String.join("; ", distinct);
    }

    /** One panel: the comparison at percentile {@code p}; null if it has no value at all. */
    private static BufferedImage panel(
            Comparison c, JmhResults results, String p, String label, Set<JmhResults.Run> runs) {
        List<String> categories = new ArrayList<>();
        List<List<Double>> values = new ArrayList<>();
        for (String category : c.categories()) {
            List<Double> row = new ArrayList<>();
            for (String series : c.series()) {
                Comparison.Cell cell =
                        c.cells().getOrDefault(series, java.util.Map.of()).get(category);
                row.add(cell == null ? null : lookup(results, cell, p, runs));
            }
            if (row.stream().anyMatch(Objects::nonNull)) {
                categories.add(category);
                values.add(row);
            }
        }
        if (categories.isEmpty()) {
            return null;
        }
        double min = values.stream()
                .flatMap(List::stream)
                .filter(Objects::nonNull)
                .mapToDouble(d -> d)
                .min()
                .orElse(1);
        double max = values.stream()
                .flatMap(List::stream)
                .filter(Objects::nonNull)
                .mapToDouble(d -> d)
                .max()
                .orElse(1);
        boolean log = max / min > 20;
        CategoryChart chart = new CategoryChartBuilder()
                .width(PANEL_WIDTH)
                .height(PANEL_HEIGHT)
                .title(c.title() + ": " + label)
                .xAxisTitle("")
                .yAxisTitle("round trip, µs" + (log ? " (log scale)" : "") + ", lower is better")
                .build();
        Styler s = chart.getStyler();
        chart.getStyler().setYAxisLogarithmic(log);
        if (log) { // whole decades around the bars; XChart would otherwise count a missing bar (NaN) as zero
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max * 1.5))));
        }
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsRotation(0);
        chart.getStyler().setDecimalPattern("#,##0.##");
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int si = 0; si < c.series().size(); si++) {
            List<Double> ys = new ArrayList<>();
            boolean any = false;
            for (List<Double> row : values) {
                // A missing bar: XChart takes NaN as "nothing to draw" (null counts as zero, which a log axis refuses).
                ys.add(row.get(si) == null ? Double.NaN : row.get(si));
                any |= row.get(si) != null;
            }
            if (any) {
                chart.addSeries(c.series().get(si), categories, ys)
                        .setFillColor(ComparisonCharts.color(c.series().get(si)));
            }
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static Double lookup(JmhResults results, Comparison.Cell cell, String p, Set<JmhResults.Run> runs) {
        return results.entries().stream()
                .filter(e -> e.mode().equals("sample") && e.matches(cell.benchmark(), cell.params()))
                .filter(e -> e.percentilesMicros().containsKey(p))
                .findFirst()
                .map(e -> {
                    runs.add(e.run());
                    return e.percentilesMicros().get(p);
                })
                .orElse(null);
    }
}
