package dev.conduit.examples.cli;

import dev.conduit.examples.tour.Tour;
import dev.conduit.examples.tour.TourResult;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code conduit tour}: the project's main job. Exits 0 only if every row that ran verified. */
@Command(
        name = "tour",
        mixinStandardHelpOptions = true,
        description = "For each transport, run a listener and a client in this process and print one row: "
                + "messages exchanged and verified, round-trip p50/p99, messages per second; again with the "
                + "lowest-latency options (<transport>/spin) where the machine has the cores; then a summary.")
final class TourCommand implements Callable<Integer> {

    @Option(
            names = "--round-trips",
            defaultValue = "10000",
            description = "measured round trips per row (default: ${DEFAULT-VALUE})")
    int roundTrips;

    @Option(
            names = "--streamed",
            defaultValue = "50000",
            description = "pipelined messages per row (default: ${DEFAULT-VALUE})")
    int streamed;

    @Option(
            names = "--transports",
            split = ",",
            paramLabel = "NAME",
            description = "only these transports, e.g. tcp,shm (default: all of ${COMPLETION-CANDIDATES})",
            completionCandidates = Transports.class)
    List<String> transports = List.of();

    @Option(names = "--json", description = "print each row as a JSON object on its own line, then the totals")
    boolean json;

    @Spec
    CommandSpec spec;

    /** The tour's transport names, for help. */
    static final class Transports implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Tour.transports().iterator();
        }
    }

    @Override
    public Integer call() {
        if (roundTrips < 1 || streamed < 1) {
            throw new ParameterException(spec.commandLine(), "expected --round-trips >= 1 and --streamed >= 1");
        }
        Set<String> only = new LinkedHashSet<>(transports);
        for (String name : only) {
            if (!Tour.transports().contains(name)) {
                throw new ParameterException(
                        spec.commandLine(),
                        "unknown transport '" + name + "' in --transports: expected some of "
                                + String.join(",", Tour.transports()));
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<TourResult> results = new Tour(roundTrips, streamed, cores, only)
                .run(spec.commandLine().getOut(), spec.commandLine().getErr(), json);
        return results.stream().allMatch(r -> r.verified() || r.skipped()) ? 0 : 1;
    }
}
