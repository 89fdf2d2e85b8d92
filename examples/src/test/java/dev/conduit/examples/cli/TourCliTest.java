package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.conduit.examples.cli.CliTest.Run;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code conduit tour}'s lowest-latency rows, its summary, {@code --json} and {@code --transports}. No test here
 * asserts a time: the summary's figures are checked against the rows it quotes, not against a clock.
 */
class TourCliTest {
    private static final boolean TWO_CORES = Runtime.getRuntime().availableProcessors() >= 2;
    private static final Pattern SUMMARY = Pattern.compile("summary: (\\S+) has the fastest round trip: p50"
            + " (\\d+\\.\\d) us, (\\d+(?:\\.\\d)?)x (faster|slower) than tcp \\((\\d+\\.\\d) us\\)(.*)");

    private static Map<String, String[]> rows(String out) {
        return out.lines()
                .filter(l -> l.matches("^(tcp|shm)(/spin)? .*"))
                .map(l -> l.split("\\s+"))
                .collect(Collectors.toMap(c -> c[0], Function.identity()));
    }

    @Test
    void theSummaryQuotesTheRowsJustMeasured() {
        Run tour = CliTest.run("tour", "--round-trips", "500", "--streamed", "2000", "--transports", "tcp,shm");
        assertThat(tour.exitCode()).as(tour.out()).isZero();
        Map<String, String[]> rows = rows(tour.out());
        assertThat(rows).containsOnlyKeys("tcp", "tcp/spin", "shm", "shm/spin");
        for (String name : List.of("tcp", "shm")) {
            assertThat(rows.get(name)[1]).as("%s verified", name).isEqualTo("2600");
        }
        for (String name : List.of("tcp/spin", "shm/spin")) {
            assertThat(rows.get(name)[1]).as("%s", name).isEqualTo(TWO_CORES ? "2600" : "skipped");
        }

        String summary = tour.out()
                .lines()
                .filter(l -> l.startsWith("summary: "))
                .findFirst()
                .orElseThrow();
        Matcher m = SUMMARY.matcher(summary);
        assertThat(m.matches()).as(summary).isTrue();
        String fastest = m.group(1);
        double p50 = Double.parseDouble(m.group(2));
        assertThat(m.group(2)).as("the fastest row's p50, as its row prints it").isEqualTo(rows.get(fastest)[2]);
        rows.values().stream()
                .filter(c -> !c[1].equals("skipped"))
                .forEach(c ->
                        assertThat(Double.parseDouble(c[2])).as("%s p50", c[0]).isGreaterThanOrEqualTo(p50));
        assertThat(m.group(5)).as("tcp's p50, as its row prints it").isEqualTo(rows.get("tcp")[2]);
        // The fastest row is at least as fast as tcp's. The ratio is computed from unrounded figures, so it must lie
        // within what the printed (rounded) figures allow, give or take its own rounding.
        assertThat(m.group(4)).isEqualTo("faster");
        double tcp = Double.parseDouble(m.group(5));
        double ratio = Double.parseDouble(m.group(3));
        double half = ratio >= 10 ? 0.5 : 0.05;
        assertThat(ratio + half).isGreaterThanOrEqualTo((tcp - 0.05) / (p50 + 0.05) - 1e-9);
        if (p50 > 0.05) {
            assertThat(ratio - half).isLessThanOrEqualTo((tcp + 0.05) / (p50 - 0.05) + 1e-9);
        }
        assertThat(m.group(6)).endsWith(" - see docs/performance.md for why");
        assertThat(tour.out().lines().reduce((a, b) -> b).orElseThrow()).isEqualTo("tour: 2/2 transports verified");
    }

    @Test
    void jsonPrintsOneObjectPerRowThenTheTotalsAndNothingElse() {
        Run tour = CliTest.run(
                "tour", "--round-trips", "300", "--streamed", "1000", "--transports", "udp,inproc", "--json");
        assertThat(tour.exitCode()).as(tour.out()).isZero();
        List<JsonObject> lines = tour.out()
                .lines()
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .toList();
        assertThat(lines)
                .extracting(o -> o.has("row") ? o.get("row").getAsString() : "totals")
                .as("table order, inproc first")
                .containsExactly("inproc", "inproc/spin", "udp", "totals");

        JsonObject inproc = lines.get(0);
        assertThat(inproc.get("status").getAsString()).isEqualTo("verified");
        assertThat(inproc.get("options").getAsString()).isEqualTo("defaults");
        assertThat(inproc.get("verified").getAsLong()).isEqualTo(300 + 60 + 1000);
        assertThat(inproc.get("p50Micros").getAsDouble()).isPositive();
        assertThat(inproc.get("p99Micros").getAsDouble())
                .isGreaterThanOrEqualTo(inproc.get("p50Micros").getAsDouble());
        assertThat(inproc.getAsJsonObject("rpc").get("calls").getAsLong()).isEqualTo(300 + 60);
        assertThat(lines.get(1).get("options").getAsString()).isEqualTo("spin");
        assertThat(lines.get(1).get("verified").getAsLong()).isEqualTo(1360);
        assertThat(lines.get(2).get("rpc").isJsonNull())
                .as("no RPC over datagrams")
                .isTrue();
        assertThat(lines.get(2).get("detail").getAsString()).startsWith("udp://127.0.0.1:");

        JsonObject totals = lines.get(3).getAsJsonObject("tour");
        assertThat(totals.get("transportsVerified").getAsInt()).isEqualTo(2);
        assertThat(totals.get("transports").getAsInt()).isEqualTo(2);
        assertThat(totals.get("summary").getAsString()).startsWith("udp has the fastest round trip: p50 ");
    }

    @Test
    void anUnknownTransportIsAOneLineUsageError() {
        Run run = CliTest.run("tour", "--transports", "tcp,gopher");
        assertThat(run.exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(run.err().lines())
                .singleElement()
                .asString()
                .contains("unknown transport 'gopher' in --transports: expected some of inproc,tcp,udp,");
        assertThat(run.out()).isEmpty();
    }
}
