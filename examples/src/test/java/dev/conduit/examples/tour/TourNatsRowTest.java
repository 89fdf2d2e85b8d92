package dev.conduit.examples.tour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Conduit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tour's {@code nats} row where no nats-server is installed, and how the tour looks for one. */
class TourNatsRowTest {

    @Test
    void withoutANatsServerTheRowSaysWhyItIsSkippedAndIsNotCounted() {
        StringWriter out = new StringWriter();
        List<Tour.Result> results = new ArrayList<>();
        try (Conduit conduit = Conduit.builder().name("tour-test").build()) {
            new Tour(10, 10, Optional::empty).natsRow(conduit, results, new PrintWriter(out, true));
        }
        assertThat(results).isEmpty();
        assertThat(out.toString().lines())
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .matches("nats +skipped  no nats-server on the PATH or in /usr/sbin .*install the nats-server"
                                + " package.*"));
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
