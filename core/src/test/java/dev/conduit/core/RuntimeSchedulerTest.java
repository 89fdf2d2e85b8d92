package dev.conduit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.testkit.ResourceCheck;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime's timer and handler executor as lent to code built on the runtime: its threads, its lifetime. */
class RuntimeSchedulerTest {
    private Conduit conduit;

    @AfterEach
    void close() {
        if (conduit != null) {
            conduit.close();
        }
    }

    @Test
    void timersAndBlockingWorkRunOnTheRuntimesOwnThreads() throws Exception {
        conduit = Conduit.builder().name("sched").build();
        CompletableFuture<String> timer = new CompletableFuture<>();
        conduit.scheduler().schedule(() -> timer.complete(Thread.currentThread().getName()), 1, TimeUnit.MILLISECONDS);
        CompletableFuture<String> work = new CompletableFuture<>();
        conduit.scheduler()
                .executor()
                .execute(() -> work.complete(Thread.currentThread().getName()));
        assertThat(timer.get(30, TimeUnit.SECONDS)).startsWith("conduit-sched-timer-");
        assertThat(work.get(30, TimeUnit.SECONDS)).startsWith("conduit-sched-handler-");
        conduit.close();
        assertThat(ResourceCheck.threadsNamed("conduit-sched-")).isEmpty();
    }

    @Test
    void aClosedRuntimeRefusesTimersAndStartsNoThreadForThem() {
        conduit = Conduit.builder().name("sched-closed").build();
        conduit.close();
        assertThatThrownBy(() -> conduit.scheduler().schedule(() -> {}, 1, TimeUnit.SECONDS))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> conduit.scheduler().executor().execute(() -> {}))
                .isInstanceOf(RejectedExecutionException.class);
        assertThat(ResourceCheck.threadsNamed("conduit-sched-closed-")).isEmpty();
    }
}
