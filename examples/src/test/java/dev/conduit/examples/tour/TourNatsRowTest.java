package dev.conduit.examples.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tour's {@code nats} row where no nats-server is installed, and how the tour looks for one. */
class TourNatsRowTest {

    @Test
    void withoutANatsServerTheRowSaysWhyItIsSkippedAndIsNotCounted() {
        StringWriter out = new StringWriter();
        List<TourResult> results = new Tour(200, 500, 2, Set.of("inproc", "nats"), Optional::empty)
                .run(new PrintWriter(out, true), new PrintWriter(new StringWriter()), false);

        assertThat(results).extracting(TourResult::name).containsExactly("inproc", "inproc/spin", "nats");
        assertThat(out.toString().lines().filter(l -> l.startsWith("nats ")))
                .singleElement()
                .satisfies(l -> assertThat(l.split("\\s+", 3))
                        .containsExactly(
                                "nats",
                                "skipped",
                                "no nats-server on the PATH or in /usr/sbin (install the nats-server package to see"
                                        + " this row)"));
        assertThat(out.toString()).contains("tour: 1/1 transports verified").doesNotContain("spin rows skipped");
    }

    @Test
    void theNatsServerIsLookedForOnThePathThenInTheOtherDirectories(@TempDir Path dir) throws Exception {
        assertThat(TourNatsServer.find(dir.toString(), List.of())).isEmpty();
        Path program = Files.createFile(dir.resolve("nats-server"));
        assertThat(TourNatsServer.find("/nonexistent:" + dir, List.of())).isEmpty(); // not executable yet
        assertThat(program.toFile().setExecutable(true)).isTrue();
        assertThat(TourNatsServer.find("/nonexistent:" + dir, List.of())).contains(program);
        assertThat(TourNatsServer.find("", List.of(dir.toString()))).contains(program);
    }
}
