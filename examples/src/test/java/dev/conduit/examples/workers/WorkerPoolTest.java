package dev.conduit.examples.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Conduit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The worker-pool example spreads requests over real worker processes and leaves none behind. */
class WorkerPoolTest {

    @Test
    void requestsAreAnsweredCorrectlyByEveryWorkerAndClosingEndsTheWorkers() throws Exception {
        List<Long> pids;
        try (Conduit conduit = Conduit.builder().name("pooltest").build();
                WorkerPool pool = WorkerPool.start(conduit, 3)) {
            pids = pool.pids();
            assertThat(pids).hasSize(3).doesNotHaveDuplicates();
            List<Long> ns = new ArrayList<>();
            List<CompletableFuture<WorkerPool.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                long n = 1_000 + 997L * i;
                ns.add(n);
                answers.add(pool.submit(n));
            }
            Set<Long> answeredBy = new HashSet<>();
            for (int i = 0; i < answers.size(); i++) {
                WorkerPool.Answer a = answers.get(i).get(60, TimeUnit.SECONDS);
                assertThat(a.primes()).as("primes below %d", ns.get(i)).isEqualTo(Worker.primesBelow(ns.get(i)));
                answeredBy.add(a.workerPid());
            }
            assertThat(answeredBy).as("workers that answered").containsExactlyInAnyOrderElementsOf(pids);
        }
        for (long pid : pids) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        }
    }
}
