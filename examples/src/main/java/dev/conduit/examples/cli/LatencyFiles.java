package dev.conduit.examples.cli;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * What {@code conduit ping} writes besides its lines: the HdrHistogram percentile distribution ({@code .hgrm}, the
 * text HdrHistogram's plotters read; values in microseconds) and the same curve drawn as a PNG. The histogram holds
 * nanoseconds. Stateless.
 */
final class LatencyFiles {
    private static final double NANOS_PER_MICRO = 1000.0;
    private static final int TICKS_PER_HALF_DISTANCE = 5;

    private LatencyFiles() {}

    /** Writes the percentile distribution of {@code histogram} to {@code file}, in microseconds. */
    static void writeHgrm(Histogram histogram, Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                PrintStream out = new PrintStream(os, false, StandardCharsets.UTF_8)) {
            histogram.outputPercentileDistribution(out, TICKS_PER_HALF_DISTANCE, NANOS_PER_MICRO);
            if (out.checkError()) {
                throw new IOException("write failed");
            }
        }
    }

    /**
     * Draws the round-trip latency against the percentile and writes it to {@code file} as PNG. The percentile axis
     * counts nines, {@code log10(1/(1-p))}, so that 90%, 99%, 99.9% are equally spaced (as HdrHistogram's plotter draws
     * them); the latency axis is logarithmic when the curve spans more than a factor of 20.
     */
    static void writePlot(Histogram histogram, String title, Path file) throws IOException {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (HistogramIterationValue v : histogram.percentiles(TICKS_PER_HALF_DISTANCE)) {
            double p = v.getPercentileLevelIteratedTo() / 100.0;
            if (p >= 1.0) {
                break; // 1/(1-p) is infinite; the maximum is in the subtitle
            }
            x.add(Math.log10(1 / (1 - p))); // nines: 1 at 90%, 2 at 99%, 3 at 99.9%
            y.add(v.getValueIteratedTo() / NANOS_PER_MICRO);
        }
        double min = histogram.getMinNonZeroValue() / NANOS_PER_MICRO;
        double max = histogram.getMaxValue() / NANOS_PER_MICRO;
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(540)
                .title(title)
                .xAxisTitle("percentile (each step one more nine)")
                .yAxisTitle("round trip, µs" + (max / min > 20 ? " (log scale)" : ""))
                .build();
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(Math.max(1, Math.ceil(x.get(x.size() - 1))));
        chart.getStyler().setYAxisLogarithmic(max / min > 20);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setxAxisTickLabelsFormattingFunction(LatencyFiles::percentile);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(220, 220, 220));
        String legend = String.format(
                Locale.ROOT,
                "p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, max %.1f µs, %d round trips",
                histogram.getValueAtPercentile(50) / NANOS_PER_MICRO,
                histogram.getValueAtPercentile(99) / NANOS_PER_MICRO,
                histogram.getValueAtPercentile(99.9) / NANOS_PER_MICRO,
                max,
                histogram.getTotalCount());
        XYSeries series = chart.addSeries(legend, x, y);
        series.setMarker(SeriesMarkers.NONE);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** A tick of the percentile axis, in nines ({@code log10(1/(1-p))}): 1 is 90%, 3 is 99.9%; blank between. */
    static String percentile(double nines) {
        long n = Math.round(nines);
        if (Math.abs(nines - n) > 1e-9) {
            return "";
        }
        BigDecimal hundred = BigDecimal.valueOf(100);
        return n == 0
                ? "0%"
                : hundred.subtract(hundred.movePointLeft((int) n))
                                .stripTrailingZeros()
                                .toPlainString() + "%";
    }
}
