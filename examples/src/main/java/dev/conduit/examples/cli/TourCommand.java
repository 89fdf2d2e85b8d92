package dev.conduit.examples.cli;

import dev.conduit.examples.tour.Tour;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code conduit tour}: the project's main job. Exits 0 only if every row verified. */
@Command(
        name = "tour",
        mixinStandardHelpOptions = true,
        description = "For each transport, run a listener and a client in this process and print one row: "
                + "messages exchanged and verified, round-trip p50/p99, messages per second.")
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Tour.Result> results =
                new Tour(roundTrips, streamed).run(spec.commandLine().getOut());
        return results.stream().allMatch(Tour.Result::verified) ? 0 : 1;
    }
}
