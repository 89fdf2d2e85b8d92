package dev.conduit.examples.tour;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The tour's closing line in plain words, computed from the rows just measured: the fastest round trip (inproc, which
 * never leaves the process, aside), how it compares with tcp on its defaults, and what the same transport did on its
 * own defaults. For example:
 *
 * <pre>
 * shm/spin has the fastest round trip: p50 0.6 us, 110x faster than tcp (66.0 us); shm with its defaults: 25.0 us,
 * 2.6x faster than tcp - see docs/performance.md for why
 * </pre>
 */
final class TourSummary {
    private TourSummary() {}

    /** The summary of {@code results}, if any row measured round trips. */
    static Optional<String> of(List<TourResult> results) {
        List<TourResult> timed = results.stream()
                .filter(r -> r.verified() && !r.variant().row().rpcOnly())
                .toList();
        Optional<TourResult> best = timed.stream()
                .filter(r -> !r.variant().row().transport().equals("inproc"))
                .min(Comparator.comparingDouble(TourResult::p50Micros));
        if (best.isEmpty()) {
            return Optional.empty();
        }
        TourResult fastest = best.get();
        Optional<TourResult> tcp = find(timed, "tcp");
        StringBuilder s = new StringBuilder()
                .append(fastest.name())
                .append(" has the fastest round trip: p50 ")
                .append(micros(fastest.p50Micros()));
        if (tcp.isPresent() && tcp.get() != fastest) {
            s.append(", ").append(against(fastest.p50Micros(), tcp.get(), true));
        }
        if (fastest.variant().spin()) {
            String transport = fastest.variant().row().transport();
            find(timed, transport).ifPresent(defaults -> {
                s.append("; ").append(transport).append(" with its defaults: ").append(micros(defaults.p50Micros()));
                tcp.filter(t -> t != defaults)
                        .ifPresent(t -> s.append(", ").append(against(defaults.p50Micros(), t, false)));
            });
        }
        long skipped =
                results.stream().filter(r -> r.skipped() && r.variant().spin()).count();
        if (skipped > 0) {
            s.append("; ").append(skipped).append(" spin rows skipped (too few cores)");
        }
        return Optional.of(s.append(" - see docs/performance.md for why").toString());
    }

    /** The verified defaults row of {@code transport}. */
    private static Optional<TourResult> find(List<TourResult> timed, String transport) {
        return timed.stream()
                .filter(r ->
                        !r.variant().spin() && r.variant().row().transport().equals(transport))
                .findFirst();
    }

    /** {@code 110x faster than tcp (66.0 us)}, or slower; the reference's figure only the first time. */
    private static String against(double p50, TourResult reference, boolean figure) {
        double ratio = reference.p50Micros() / p50;
        boolean faster = ratio >= 1;
        double r = faster ? ratio : 1 / ratio;
        String times = String.format(Locale.ROOT, r >= 10 ? "%.0fx" : "%.1fx", r);
        return times
                + (faster ? " faster than " : " slower than ")
                + reference.name()
                + (figure ? " (" + micros(reference.p50Micros()) + ")" : "");
    }

    private static String micros(double us) {
        return String.format(Locale.ROOT, "%.1f us", us); // as the table prints it
    }
}
