package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The buffer behind blocking response streams: bounded, asked for in batches, never waiting on itself. */
class BlockingReceiverTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a taker on another thread waits: far longer than the test waits for what it takes, so that a lost
     * wake-up fails the test instead of passing once the taker's own wait runs out.
     */
    private static final Duration TAKE_LIMIT = Duration.ofMinutes(5);

    private volatile @Nullable Thread takerThread;
    private final ExecutorService deliverer = Executors.newSingleThreadExecutor();
    private final ExecutorService taker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "blocking-receiver-taker");
        takerThread = t;
        return t;
    });

    @AfterEach
    void stop() throws InterruptedException {
        taker.shutdownNow();
        deliverer.shutdownNow();
        assertThat(taker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(deliverer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** A call that only records what was requested of it. */
    private static class RequestRecorder extends ClientCall<Integer, Integer> {
        final List<Integer> requests = new ArrayList<>();

        int requested() {
            return requests.stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public void start(Listener<Integer> listener, Metadata headers) {}

        @Override
        public void request(int count) {
            requests.add(count);
        }

        @Override
        public void sendMessage(Integer message) {}

        @Override
        public void halfClose() {}

        @Override
        public void cancel(@Nullable String message, @Nullable Throwable cause) {}

        @Override
        public boolean isReady() {
            return true;
        }
    }

    @Test
    void responsesAreAskedForInBatchesAndTheBufferNeverHoldsMoreThanThePrefetch() throws Exception {
        RequestRecorder call = new RequestRecorder();
        BlockingReceiver<Integer> receiver = new BlockingReceiver<>();
        receiver.bind(call);
        assertThat(call.requests).containsExactly(BlockingReceiver.PREFETCH);
        int sent = 0;
        for (int taken = 0; taken < 1000; taken++) {
            while (sent < call.requested()) { // a server as fast as it may be: everything asked for arrives
                receiver.onMessage(sent++);
            }
            assertThat(sent - taken).as("buffered").isLessThanOrEqualTo(BlockingReceiver.PREFETCH);
            assertThat(receiver.take(TIMEOUT)).isEqualTo(taken);
        }
        assertThat(call.requests.subList(1, call.requests.size()))
                .as("after the prefetch, one request per batch taken")
                .hasSize(1000 / BlockingReceiver.BATCH)
                .containsOnly(BlockingReceiver.BATCH);
    }

    @Test
    void aCallerWaitingOnAnEmptyBufferHasAskedForResponsesAndGetsTheNextOne() throws Exception {
        RequestRecorder call = new RequestRecorder();
        BlockingReceiver<Integer> receiver = new BlockingReceiver<>();
        receiver.bind(call);
        int sent = 0;
        for (int taken = 0; taken < 3 * BlockingReceiver.PREFETCH; taken++) {
            // Deliver only when the taker already waits on an empty buffer: the slowest server.
            CompletableFuture<Integer> next = CompletableFuture.supplyAsync(() -> take(receiver), taker);
            assertThat(sent - taken).isZero();
            assertThat(call.requested() - sent)
                    .as("asked for and not yet sent while the caller waits")
                    .isGreaterThanOrEqualTo(BlockingReceiver.PREFETCH - BlockingReceiver.BATCH + 1);
            Awaitility.await().atMost(TIMEOUT).until(this::takerWaits);
            receiver.onMessage(sent++);
            assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo(taken);
        }
    }

    @Test
    void aFailedStreamEndsWithItsStatusAndTrailersAfterTheBufferedResponses() throws Exception {
        BlockingReceiver<Integer> receiver = new BlockingReceiver<>();
        receiver.bind(new RequestRecorder());
        receiver.onMessage(1);
        receiver.onClose(Status.ABORTED.withDescription("gone"), Metadata.of("x-why", "testing"));
        assertThat(receiver.isDone()).isTrue();
        assertThat(receiver.take(TIMEOUT)).isEqualTo(1);
        assertThatThrownBy(() -> receiver.take(TIMEOUT)).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.status().code()).isEqualTo(Status.Code.ABORTED);
            assertThat(e.trailers().get("x-why")).isEqualTo("testing");
        });

        BlockingReceiver<Integer> ok = new BlockingReceiver<>();
        ok.bind(new RequestRecorder());
        ok.onClose(Status.OK, new Metadata());
        assertThat(ok.take(TIMEOUT)).as("the end of a successful stream").isNull();
    }

    @Test
    void aTakerRacingADeliveringThreadGetsEveryResponseInOrderAndNeverAsksPastThePrefetch() throws Exception {
        RacingServer server = new RacingServer(50_000, Status.OK);
        BlockingReceiver<Integer> receiver = takeRacing(server);
        assertThat(receiver.take(TIMEOUT)).as("the end of the stream").isNull();
        server.delivered.get(10, TimeUnit.SECONDS);
        assertThat(server.violation)
                .as("asked for more than PREFETCH ahead of the taker")
                .isNull();
    }

    @Test
    void aFailedStreamRacedAgainstItsTakerThrowsOnlyAfterEveryResponse() throws Exception {
        RacingServer server = new RacingServer(5_000, Status.ABORTED.withDescription("gone"));
        BlockingReceiver<Integer> receiver = takeRacing(server);
        assertThatThrownBy(() -> receiver.take(TIMEOUT))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.status().code()).isEqualTo(Status.Code.ABORTED));
        server.delivered.get(10, TimeUnit.SECONDS);
    }

    /** Starts {@code server} on the deliverer thread and takes its responses here, checking their order. */
    private BlockingReceiver<Integer> takeRacing(RacingServer server) throws Exception {
        BlockingReceiver<Integer> receiver = new BlockingReceiver<>();
        server.receiver = receiver;
        receiver.bind(server);
        server.delivered = CompletableFuture.runAsync(server, deliverer);
        for (int i = 0; i < server.count; i++) {
            server.takesEntered = i + 1;
            // A lost wake-up leaves the taker parked past TIMEOUT: a TimeoutException fails the test.
            assertThat(receiver.take(TIMEOUT)).isEqualTo(i);
        }
        return receiver;
    }

    @Test
    void responsesDeliveredOnTheTakingThreadItselfAreTakenAndALaterOneFromElsewhereWakesIt() throws Exception {
        BlockingReceiver<Integer> receiver = new BlockingReceiver<>();
        int[] sent = {0};
        int inline = 100;
        ClientCall<Integer, Integer> call = new RequestRecorder() {
            @Override
            public void request(int count) { // as an in-process call does: delivers within the request
                for (int i = 0; i < count && sent[0] < inline; i++) {
                    receiver.onMessage(sent[0]++);
                }
            }
        };
        receiver.bind(call);
        CompletableFuture<List<Integer>> taken = CompletableFuture.supplyAsync(
                () -> {
                    List<Integer> got = new ArrayList<>();
                    for (int i = 0; i <= inline; i++) {
                        got.add(take(receiver));
                    }
                    return got;
                },
                taker);
        Awaitility.await().atMost(TIMEOUT).until(this::takerWaits);
        receiver.onMessage(inline);
        assertThat(taken.get(10, TimeUnit.SECONDS))
                .hasSize(inline + 1)
                .isSorted()
                .doesNotHaveDuplicates();
    }

    @Test
    void responsesBeyondThoseAskedForAreKeptInOrder() throws Exception {
        BlockingReceiver<Integer> receiver = new BlockingReceiver<>();
        receiver.bind(new RequestRecorder());
        for (int i = 0; i < 10 * BlockingReceiver.PREFETCH; i++) { // an interceptor asked for more, say
            receiver.onMessage(i);
        }
        for (int i = 0; i < 10 * BlockingReceiver.PREFETCH; i++) {
            assertThat(receiver.take(TIMEOUT)).isEqualTo(i);
        }
    }

    @Test
    void takeTimesOutOnAnEmptyBufferAndLaterTakesWhatArrived() throws Exception {
        BlockingReceiver<Integer> receiver = new BlockingReceiver<>();
        receiver.bind(new RequestRecorder());
        assertThatThrownBy(() -> receiver.take(Duration.ofMillis(20))).isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> receiver.take(Duration.ZERO)).isInstanceOf(TimeoutException.class);
        receiver.onMessage(7);
        assertThat(receiver.take(Duration.ZERO))
                .as("a buffered response needs no time")
                .isEqualTo(7);
        assertThat(receiver.isDone()).isFalse();
    }

    @Test
    void anInterruptedTakerThrowsAndTheStreamGoesOnForTheNextTake() throws Exception {
        BlockingReceiver<Integer> receiver = new BlockingReceiver<>();
        receiver.bind(new RequestRecorder());
        CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return new AssertionError("took " + receiver.take(TIMEOUT));
                    } catch (Exception e) {
                        return e;
                    }
                },
                taker);
        Awaitility.await().atMost(TIMEOUT).until(this::takerWaits);
        Thread t = takerThread;
        assertThat(t).isNotNull();
        t.interrupt();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);

        receiver.onMessage(1);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> receiver.take(TIMEOUT))
                .as("interrupted on entry, even with a response buffered")
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).as("the flag is consumed").isFalse();
        assertThat(receiver.take(TIMEOUT)).isEqualTo(1);
    }

    /**
     * A server on its own thread that sends each response as soon as it is asked for (with random pauses, so that
     * it also hits the taker about to park), then ends with {@code end}; records asking past the prefetch.
     */
    private static final class RacingServer extends RequestRecorder implements Runnable {
        private final int count;
        private final Status end;
        private final AtomicLong requested = new AtomicLong();
        volatile BlockingReceiver<Integer> receiver;
        volatile int takesEntered;
        volatile @Nullable String violation;
        volatile CompletableFuture<Void> delivered = new CompletableFuture<>();

        RacingServer(int count, Status end) {
            this.count = count;
            this.end = end;
        }

        @Override
        public void request(int n) {
            long total = requested.addAndGet(n);
            if (total > takesEntered + BlockingReceiver.PREFETCH && violation == null) {
                violation = total + " asked for after " + takesEntered + " takes";
            }
        }

        @Override
        public void run() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int sent = 0; sent < count; ) {
                if (Thread.currentThread().isInterrupted()) {
                    return; // the test failed and is stopping
                }
                if (sent < requested.get()) {
                    receiver.onMessage(sent++);
                    for (int spins = random.nextInt(64); spins > 0; spins--) {
                        Thread.onSpinWait();
                    }
                } else {
                    Thread.onSpinWait();
                }
            }
            receiver.onClose(end, new Metadata());
        }
    }

    private static Integer take(BlockingReceiver<Integer> receiver) {
        try {
            return receiver.take(TAKE_LIMIT);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Whether the taker thread waits (in take: the only place it can) for the next response. */
    private boolean takerWaits() {
        Thread t = takerThread;
        return t != null && t.getState() == Thread.State.TIMED_WAITING;
    }
}
