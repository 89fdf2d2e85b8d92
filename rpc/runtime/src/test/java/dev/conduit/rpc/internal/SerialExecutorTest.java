package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One call's callbacks: in order, never two at once, whether they run at once (direct) or on a pool. */
class SerialExecutorTest {
    private final ExecutorService submitters = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() throws InterruptedException {
        submitters.shutdownNow();
        assertThat(submitters.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aDirectTaskRunsOnTheSubmittingThreadAndOneItSubmitsRunsAfterIt() {
        SerialExecutor serial = new SerialExecutor(Channel.DIRECT);
        List<String> order = new ArrayList<>();
        Thread me = Thread.currentThread();
        serial.execute(() -> {
            order.add("outer start on " + (Thread.currentThread() == me ? "caller" : "other"));
            serial.execute(() -> order.add("inner"));
            order.add("outer end");
        });
        serial.execute(() -> order.add("next"));
        assertThat(order).containsExactly("outer start on caller", "outer end", "inner", "next");
    }

    @Test
    void tasksSubmittedWhileOneRunsRunAfterItInTheOrderSubmitted() {
        SerialExecutor serial = new SerialExecutor(Channel.DIRECT);
        List<String> order = new ArrayList<>();
        serial.execute(() -> {
            serial.execute(() -> order.add("first waiting")); // the slot
            serial.execute(() -> order.add("second waiting")); // the queue, made now
            serial.execute(() -> order.add("third waiting"));
            order.add("running");
        });
        serial.execute(() -> {
            serial.execute(() -> order.add("after the queue was made"));
            order.add("next");
        });
        assertThat(order)
                .containsExactly(
                        "running",
                        "first waiting",
                        "second waiting",
                        "third waiting",
                        "next",
                        "after the queue was made");
    }

    @Test
    void pooledTasksWaitingForTheirTurnRunInTheOrderSubmitted() {
        List<Runnable> handedToPool = new ArrayList<>();
        SerialExecutor serial = new SerialExecutor(handedToPool::add);
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            int n = i;
            serial.execute(() -> order.add(n));
        }
        assertThat(handedToPool).as("one drain for all four").hasSize(1);
        assertThat(order).isEmpty();
        handedToPool.remove(0).run();
        assertThat(order).containsExactly(1, 2, 3, 4);
        serial.execute(() -> order.add(5));
        serial.execute(() -> order.add(6));
        handedToPool.remove(0).run();
        assertThat(order).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void aThrowingTaskDoesNotStopTheOnesAfterIt() {
        SerialExecutor serial = new SerialExecutor(Channel.DIRECT);
        List<String> order = new ArrayList<>();
        serial.execute(() -> {
            serial.execute(() -> order.add("after"));
            throw new IllegalStateException("a callback failed (expected by the test)");
        });
        serial.execute(() -> order.add("later"));
        assertThat(order).containsExactly("after", "later");
    }

    @Test
    void directTasksFromManyThreadsNeverOverlapAndKeepEachThreadsOrder() throws Exception {
        runFromManyThreads(new SerialExecutor(Channel.DIRECT));
    }

    @Test
    void pooledTasksFromManyThreadsNeverOverlapAndKeepEachThreadsOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            runFromManyThreads(new SerialExecutor(pool));
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private void runFromManyThreads(SerialExecutor serial) throws Exception {
        int threads = 4;
        int each = 20_000;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] last = new int[threads];
        List<String> misordered = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(threads * each);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            submitters.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 1; i <= each; i++) {
                    int seq = i;
                    serial.execute(() -> {
                        if (running.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        if (last[thread] != seq - 1) { // only ever touched by the one task running
                            misordered.add(thread + ":" + seq + " after " + last[thread]);
                        }
                        last[thread] = seq;
                        running.decrementAndGet();
                        done.countDown();
                    });
                }
            });
        }
        go.countDown();
        assertThat(done.await(60, TimeUnit.SECONDS)).as("every task ran").isTrue();
        assertThat(overlaps.get()).as("tasks running at once").isZero();
        assertThat(misordered).isEmpty();
    }
}
