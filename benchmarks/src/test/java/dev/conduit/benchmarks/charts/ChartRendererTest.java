package dev.conduit.benchmarks.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts are drawn from whatever JMH JSON they are given, in microseconds, and say when a run was too short. */
class ChartRendererTest {

    private static String entry(String benchmark, String params, String unit, double p50, double p99, int forks) {
        return """
                {"jmhVersion":"1.37","benchmark":"dev.conduit.benchmarks.%s","mode":"sample","threads":1,
                 "forks":%d,"jvm":"java","jdkVersion":"17.0.15","warmupIterations":3,"warmupTime":"1 s",
                 "measurementIterations":5,"measurementTime":"2 s","params":{%s},
                 "primaryMetric":{"score":1.0,"scoreUnit":"%s","scorePercentiles":{"0.0":0.1,"50.0":%s,"99.0":%s,"100.0":9.0}}}
                """.formatted(benchmark, forks, params, unit, p50, p99);
    }

    private static Path json(Path dir, int forks) throws IOException {
        Path file = dir.resolve("results-" + forks + ".json");
        Files.writeString(
                file,
                "[" + entry("AeronIpcBenchmark.roundTrip", "\"size\":\"64\"", "us/op", 0.4, 0.8, forks) + ","
                        + entry("ShmBenchmark.roundTrip", "\"idle\":\"spin\",\"size\":\"64\"", "ns/op", 600, 900, forks)
                        + ","
                        + entry(
                                "TcpBenchmark.roundTrip",
                                "\"idle\":\"block\",\"size\":\"64\",\"codec\":\"bytes\"",
                                "us/op",
                                70,
                                140,
                                forks)
                        + "]");
        return file;
    }

    @Test
    void readsPercentilesInMicrosecondsWhateverUnitJmhWrote(@TempDir Path dir) throws IOException {
        JmhResults results = JmhResults.read(List.of(json(dir, 3)));
        JmhResults.Entry shm = results.entries().stream()
                .filter(e -> e.benchmark().equals("ShmBenchmark.roundTrip"))
                .findFirst()
                .orElseThrow();
        assertThat(shm.percentilesMicros().get("50.0")).isEqualTo(0.6);
        assertThat(shm.percentilesMicros().get("99.0")).isEqualTo(0.9);
        assertThat(shm.matches("ShmBenchmark.roundTrip", java.util.Map.of("idle", "spin")))
                .isTrue();
        assertThat(shm.matches("ShmBenchmark.roundTrip", java.util.Map.of("idle", "backoff")))
                .isFalse();
        assertThat(shm.run().smoke()).isFalse();
    }

    @Test
    void drawsTwoPanelsAndMarksASmokeRunInRedOnTheImage(@TempDir Path dir) throws IOException {
        Path smoke = dir.resolve("smoke.png");
        Path full = dir.resolve("full.png");
        assertThat(ChartRenderer.render(ComparisonCharts.overview(), JmhResults.read(List.of(json(dir, 1))), smoke))
                .isTrue();
        assertThat(ChartRenderer.render(ComparisonCharts.overview(), JmhResults.read(List.of(json(dir, 3))), full))
                .isTrue();

        BufferedImage s = ImageIO.read(smoke.toFile());
        assertThat(s.getWidth()).isEqualTo(ChartRenderer.PANEL_WIDTH);
        assertThat(s.getHeight())
                .as("p50 above p99, then the footer")
                .isEqualTo(2 * ChartRenderer.PANEL_HEIGHT + ChartRenderer.FOOTER);
        assertThat(redPixelsInFooter(s)).as("the SMOKE RUN warning").isPositive();
        assertThat(redPixelsInFooter(ImageIO.read(full.toFile())))
                .as("no warning for 3 forks × 5 iterations")
                .isZero();
    }

    @Test
    void aComparisonWithNoResultsIsSkippedAndNotDrawn(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("rpc.png");
        assertThat(ChartRenderer.render(ComparisonCharts.rpcBesideGrpc(), JmhResults.read(List.of(json(dir, 3))), png))
                .isFalse();
        assertThat(png).doesNotExist();
    }

    @Test
    void aFileThatIsNotJmhJsonIsNamedInTheError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("notes.json");
        Files.writeString(file, "{\"hello\": 1}");
        assertThatThrownBy(() -> JmhResults.read(List.of(file)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + " is not JMH's JSON output (-rf json)");
    }

    /** Pixels of the warning's red (0xb30000, anti-aliased edges aside) below the panels. */
    private static long redPixelsInFooter(BufferedImage image) {
        long red = 0;
        for (int y = 2 * ChartRenderer.PANEL_HEIGHT; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == 0xb30000) {
                    red++;
                }
            }
        }
        return red;
    }
}
