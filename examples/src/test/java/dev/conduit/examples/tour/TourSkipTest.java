package dev.conduit.examples.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A spin row on a machine with fewer cores than its spinning threads is skipped with the reason, not run. */
class TourSkipTest {

    @Test
    void spinRowsNeedingMoreCoresThanTheMachineHasAreSkippedWithTheReason() {
        StringWriter out = new StringWriter();
        List<TourResult> results = new Tour(200, 500, 1, Set.of("shm", "fifo"))
                .run(new PrintWriter(out, true), new PrintWriter(new StringWriter()), false);

        assertThat(results).extracting(TourResult::name).containsExactly("shm", "shm/spin", "fifo", "fifo/spin");
        assertThat(out.toString().lines().filter(l -> l.startsWith("shm/spin ")))
                .singleElement()
                .satisfies(l -> assertThat(l.split("\\s+", 3))
                        .containsExactly(
                                "shm/spin", "skipped", "needs 2 cores for its spinning threads, this machine has 1"));
        assertThat(out.toString().lines().filter(l -> l.startsWith("fifo/spin ")))
                .as("fifo/spin spins one thread: it runs on one core")
                .singleElement()
                .satisfies(l -> assertThat(l.split("\\s+")[1]).isEqualTo("740"));
        assertThat(out.toString())
                .contains("1 spin rows skipped (too few cores)")
                .contains("tour: 2/2 transports verified");
    }
}
