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
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The buffer behind blocking response streams: bounded, asked for in batches, never waiting on itself. */
class BlockingReceiverTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private volatile @Nullable Thread takerThread;
    private final ExecutorService taker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "blocking-receiver-taker");
        takerThread = t;
        return t;
    });

    @AfterEach
    void stop() throws InterruptedException {
        taker.shutdownNow();
        assertThat(taker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** A call that only records what was requested of it. */
    private static final class RequestRecorder extends ClientCall<Integer, Integer> {
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

    private static Integer take(BlockingReceiver<Integer> receiver) {
        try {
            return receiver.take(TIMEOUT);
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
