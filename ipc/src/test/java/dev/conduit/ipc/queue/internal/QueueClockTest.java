package dev.conduit.ipc.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The record clock: follows the system clock while used, stops its timer when unused, restarts on demand. */
class QueueClockTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final QueueClock clock;

    QueueClockTest() {
        timer.setRemoveOnCancelPolicy(true);
        clock = new QueueClock(timer);
    }

    @AfterEach
    void cleanUp() {
        clock.close();
        timer.shutdownNow();
    }

    @Test
    void whileUsedItFollowsTheSystemClock() {
        long first = clock.millis();
        assertThat(first).isBetween(System.currentTimeMillis() - 1000, System.currentTimeMillis());
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(1)).until(() -> clock.millis() >= first + 20);
        assertThat(clock.millis()).isLessThanOrEqualTo(System.currentTimeMillis());
    }

    @Test
    void itsTimerStopsAfterASecondUnusedAndTheNextReadIsCurrentAndStartsItAgain() {
        clock.millis();
        assertThat(timer.getQueue()).as("the timer task").hasSize(1);
        await().atMost(TIMEOUT).until(() -> timer.getQueue().isEmpty());
        long before = System.currentTimeMillis();
        assertThat(clock.millis()).as("read from the system clock").isGreaterThanOrEqualTo(before);
        assertThat(timer.getQueue()).as("ticking again").hasSize(1);
        clock.close();
        assertThat(timer.getQueue()).as("stopped by close").isEmpty();
    }
}
