package dev.conduit.examples.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary line says what the rows measured, in words, and only that. */
class TourSummaryTest {

    private static TourResult row(String transport, boolean spin, double p50) {
        Tour.Row row = new Tour.Row(transport, transport + "://x").spin(2);
        TourVariant variant = new TourVariant(row, spin ? TourVariant.Options.SPIN : TourVariant.Options.DEFAULTS);
        return new TourResult(variant, TourResult.Status.VERIFIED, 2600, p50, p50 * 3, 1000, null, "x");
    }

    @Test
    void namesTheFastestRowOutsideInprocAndComparesItAndItsDefaultsWithTcp() {
        List<TourResult> results = List.of(
                row("inproc", true, 0.1),
                row("tcp", false, 66.0),
                row("tcp", true, 18.0),
                row("shm", false, 25.0),
                row("shm", true, 0.6));
        assertThat(TourSummary.of(results))
                .hasValue("shm/spin has the fastest round trip: p50 0.6 us, 110x faster than tcp (66.0 us);"
                        + " shm with its defaults: 25.0 us, 2.6x faster than tcp - see docs/performance.md for why");
    }

    @Test
    void saysSlowerWhenTheDefaultsLoseToTcpAndCountsSkippedRows() {
        Tour.Row shm = new Tour.Row("shm", "shm://*").spin(2);
        List<TourResult> results = List.of(
                row("tcp", false, 20.0),
                row("shm", false, 50.0),
                row("shm", true, 2.0),
                TourResult.skipped(new TourVariant(shm, TourVariant.Options.SPIN), "needs 2 cores"));
        assertThat(TourSummary.of(results))
                .hasValue("shm/spin has the fastest round trip: p50 2.0 us, 10x faster than tcp (20.0 us);"
                        + " shm with its defaults: 50.0 us, 2.5x slower than tcp; 1 spin rows skipped (too few cores)"
                        + " - see docs/performance.md for why");
    }

    @Test
    void failedRowsAndRpcOnlyRowsGiveNoFigures() {
        Tour.Row tcp = new Tour.Row("tcp", "tcp://x");
        Tour.Row grpc = new Tour.Row("grpc", "grpc://x");
        List<TourResult> results = List.of(
                TourResult.failed(new TourVariant(tcp, TourVariant.Options.DEFAULTS), new IllegalStateException("x")),
                new TourResult(
                        new TourVariant(grpc, TourVariant.Options.DEFAULTS),
                        TourResult.Status.VERIFIED,
                        600,
                        0,
                        0,
                        0,
                        null,
                        "rpc"));
        assertThat(TourSummary.of(results)).isEmpty();
        assertThat(TourSummary.of(List.of(row("inproc", false, 3.0))))
                .as("inproc alone")
                .isEmpty();
    }
}
