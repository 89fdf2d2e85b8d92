package dev.conduit.examples.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A slow row shows what it has checked so far; a quick or finished one prints nothing. */
class TourProgressTest {

    @Test
    void aRowStillRunningAfterTheIntervalPrintsWhatItCheckedAndStopsWhenDone() {
        StringWriter out = new StringWriter();
        try (TourProgress progress = new TourProgress(new PrintWriter(out, true), null)) {
            long before = System.nanoTime();
            TourProgress.Watch watch = progress.watch("shm/spin");
            long started = System.nanoTime();

            progress.tick(before + TourProgress.EVERY.toNanos() - 1);
            assertThat(out.toString()).as("before the interval").isEmpty();

            watch.verified().addAndGet(41250);
            progress.tick(started + TourProgress.EVERY.toNanos());
            assertThat(out.toString().lines())
                    .containsExactly("tour: shm/spin: working, 41250 messages and calls checked so far");

            watch.done();
            progress.tick(started + 2 * TourProgress.EVERY.toNanos());
            assertThat(out.toString().lines())
                    .as("nothing after the row is done")
                    .hasSize(1);
        }
    }

    @Test
    void onlyTheCurrentRowIsReported() {
        StringWriter out = new StringWriter();
        try (TourProgress progress = new TourProgress(new PrintWriter(out, true), null)) {
            progress.watch("tcp").verified().set(7);
            progress.watch("tcp/spin").verified().set(3);
            progress.tick(System.nanoTime() + TourProgress.EVERY.toNanos());
            assertThat(out.toString().lines())
                    .containsExactly("tour: tcp/spin: working, 3 messages and calls checked so far");
        }
    }
}
