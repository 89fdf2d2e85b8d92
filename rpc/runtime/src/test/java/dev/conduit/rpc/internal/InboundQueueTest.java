package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One call's received messages: held until requested, delivered once each and in order, then the end. */
class InboundQueueTest {
    private static final int WINDOW = 1 << 30;

    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final AtomicInteger handOvers = new AtomicInteger();
    private final List<Integer> delivered = new ArrayList<>();
    private final AtomicInteger finishes = new AtomicInteger();

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Message {@code seq} (carried as its call id) of 10 payload bytes. */
    private static Frame message(int seq) {
        return Frame.message(seq, new byte[10], 10, Frames.cost(10), false);
    }

    /** A queue on a direct serial executor that counts the hand-overs; {@code onDeliver} runs inside each delivery. */
    private InboundQueue queue(Consumer<Frame> onDeliver) {
        SerialExecutor serial = new SerialExecutor(Channel.DIRECT);
        return new InboundQueue(
                task -> {
                    handOvers.incrementAndGet();
                    serial.execute(task);
                },
                new InboundQueue.Receiver() {
                    @Override
                    public void deliver(Frame message) {
                        delivered.add(message.callId);
                        onDeliver.accept(message);
                    }

                    @Override
                    public void finish() {
                        finishes.incrementAndGet();
                    }

                    @Override
                    public void giveCredit(int increment) {}
                },
                WINDOW);
    }

    private InboundQueue queue() {
        return queue(m -> {});
    }

    @Test
    void aSecondMessageArrivingWhileTheFirstIsHeldWaitsBehindIt() {
        InboundQueue in = queue();
        in.arrive(message(1));
        in.arrive(message(2));
        assertThat(delivered).as("nothing requested yet").isEmpty();
        assertThat(in.bufferedBytes()).isEqualTo(20);
        in.request(1);
        assertThat(delivered).containsExactly(1);
        in.arrive(message(3));
        in.request(5);
        assertThat(delivered).containsExactly(1, 2, 3);
        assertThat(in.bufferedBytes()).isZero();
    }

    @Test
    void aMessageArrivingDuringADeliveryIsDeliveredAfterItReturnsNotInsideIt() {
        AtomicInteger depth = new AtomicInteger();
        List<Integer> nested = new ArrayList<>();
        InboundQueue[] in = new InboundQueue[1];
        in[0] = queue(m -> {
            if (depth.incrementAndGet() > 1) {
                nested.add(m.callId);
            }
            if (m.callId == 1) {
                in[0].arrive(message(2)); // as in-process: the answer arrives on the delivering thread
            }
            depth.decrementAndGet();
        });
        in[0].request(2);
        in[0].arrive(message(1));
        assertThat(delivered).containsExactly(1, 2);
        assertThat(nested).as("deliveries inside another").isEmpty();
        assertThat(handOvers.get())
                .as("the round under way takes the second message too")
                .isEqualTo(1);
    }

    @Test
    void aRequestMadeBeforeArrivalDeliversEachMessageAsItArrives() {
        InboundQueue in = queue();
        in.request(2);
        in.arrive(message(1));
        assertThat(delivered).containsExactly(1);
        in.arrive(message(2));
        assertThat(delivered).containsExactly(1, 2);
        in.arrive(message(3));
        assertThat(delivered).as("only two were requested").containsExactly(1, 2);
    }

    @Test
    void theEndIsDeliveredOnceAfterEveryQueuedMessage() {
        InboundQueue in = queue();
        in.arrive(message(1));
        in.arrive(message(2));
        in.finish();
        in.finish();
        in.request(1);
        assertThat(finishes.get()).isZero();
        in.request(1);
        assertThat(delivered).containsExactly(1, 2);
        assertThat(finishes.get()).isEqualTo(1);
        assertThat(in.arrive(message(3)))
                .as("after the end: ignored, not a violation")
                .isTrue();
        in.request(1);
        assertThat(delivered).containsExactly(1, 2);
        assertThat(finishes.get()).isEqualTo(1);
    }

    @Test
    void aLastMessageAndTheEndAreHandedOverTogether() {
        InboundQueue in = queue();
        in.request(2);
        assertThat(in.arrive(message(1), true)).isTrue();
        assertThat(delivered).containsExactly(1);
        assertThat(finishes.get()).isEqualTo(1);
        assertThat(handOvers.get())
                .as("one hand-over for the message and the end")
                .isEqualTo(1);

        InboundQueue held = queue();
        delivered.clear();
        held.arrive(message(7), true);
        assertThat(delivered).isEmpty();
        assertThat(finishes.get()).as("the end waits behind the held message").isEqualTo(1);
        held.request(1);
        assertThat(delivered).containsExactly(7);
        assertThat(finishes.get()).isEqualTo(2);
    }

    @Test
    void aCallClosedWhileItsLastMessageIsDeliveredHearsNoEnd() {
        InboundQueue[] self = new InboundQueue[1];
        InboundQueue in = queue(m -> self[0].close()); // the listener fails the call on the last message
        self[0] = in;
        in.request(2);
        in.arrive(message(1), true);
        assertThat(delivered).containsExactly(1);
        assertThat(finishes.get()).as("no end after the close").isZero();

        InboundQueue open = queue();
        delivered.clear();
        open.arrive(message(2));
        open.arrive(message(3), true);
        open.request(5);
        assertThat(delivered).containsExactly(2, 3);
        assertThat(finishes.get()).as("the end after the last of two, once").isEqualTo(1);
    }

    @Test
    void aFirstMessageHeldForTheCallersTaskWaitsForItEvenWhenRequested() {
        InboundQueue in = queue();
        assertThat(in.arriveForCaller(message(1), true)).isTrue();
        in.request(2); // what a handler does in its start, which runs before the caller's task runs the queue
        assertThat(handOvers.get()).as("no task of the queue's own").isZero();
        assertThat(delivered).isEmpty();
        in.run(); // the caller's task
        assertThat(delivered).containsExactly(1);
        assertThat(finishes.get()).isEqualTo(1);
        in.request(1);
        assertThat(handOvers.get()).as("nothing left to hand over").isZero();
    }

    @Test
    void closeDropsWhatIsQueuedAndDeliversNothingMore() {
        InboundQueue in = queue();
        in.arrive(message(1));
        in.arrive(message(2));
        in.close();
        assertThat(in.bufferedBytes()).isZero();
        in.request(5);
        in.arrive(message(3));
        in.finish();
        assertThat(delivered).isEmpty();
        assertThat(finishes.get()).isZero();
        assertThat(handOvers.get()).isZero();
    }

    @Test
    void aMessageWithoutCreditIsRefusedAndCreditComesBackOnlyForConsumedMessages() {
        List<Integer> grants = new ArrayList<>();
        InboundQueue in = new InboundQueue(
                Runnable::run,
                new InboundQueue.Receiver() {
                    @Override
                    public void deliver(Frame message) {}

                    @Override
                    public void finish() {}

                    @Override
                    public void giveCredit(int increment) {
                        grants.add(increment);
                    }
                },
                (int) Frames.cost(10) * 2);
        assertThat(in.arrive(message(1))).isTrue();
        assertThat(in.arrive(message(2))).isTrue();
        assertThat(in.arrive(message(3))).as("no credit left").isFalse();
        in.request(1);
        assertThat(grants).as("half the window consumed").containsExactly((int) Frames.cost(10));
        assertThat(in.arrive(message(3))).isTrue();
    }

    @Test
    void creditForMessagesDeliveredInARowComesBackOnlyAfterTheirDelivery() {
        long cost = Frames.cost(10);
        List<Integer> grants = new ArrayList<>();
        List<Integer> grantedAtDelivery = new ArrayList<>();
        InboundQueue in = new InboundQueue(
                Runnable::run,
                new InboundQueue.Receiver() {
                    @Override
                    public void deliver(Frame message) {
                        grantedAtDelivery.add(
                                grants.stream().mapToInt(Integer::intValue).sum());
                    }

                    @Override
                    public void finish() {}

                    @Override
                    public void giveCredit(int increment) {
                        grants.add(increment);
                    }
                },
                (int) cost * 4);
        for (int i = 1; i <= 4; i++) {
            assertThat(in.arrive(message(i))).isTrue();
        }
        in.request(4); // delivered in one go, one after the other
        for (int k = 0; k < 4; k++) {
            assertThat((long) grantedAtDelivery.get(k))
                    .as("credit given back when message %d is delivered", k + 1)
                    .isLessThanOrEqualTo(k * cost);
        }
        assertThat(grants.stream().mapToLong(Integer::longValue).sum())
                .as("all of it once delivered")
                .isEqualTo(4 * cost);
        for (int i = 5; i <= 8; i++) {
            assertThat(in.arrive(message(i))).as("within the credit given back").isTrue();
        }
    }

    @Test
    void arrivalsAndRequestsFromTwoThreadsDeliverEachMessageOnceAndInOrder() throws Exception {
        int count = 100_000;
        AtomicInteger delivering = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        InboundQueue in = queue(m -> {
            if (delivering.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            delivering.decrementAndGet();
        });
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Void> arrivals = CompletableFuture.runAsync(
                () -> {
                    await(go);
                    for (int i = 1; i <= count; i++) {
                        assertThat(in.arrive(message(i), i == count)).isTrue();
                    }
                },
                threads);
        CompletableFuture<Void> requests = CompletableFuture.runAsync(
                () -> {
                    await(go);
                    for (int i = 0; i < count; i++) {
                        in.request(1);
                    }
                },
                threads);
        go.countDown();
        arrivals.get(60, TimeUnit.SECONDS);
        requests.get(60, TimeUnit.SECONDS);
        // Both threads have returned, and a delivery runs within the execute of whichever thread started it.
        assertThat(overlaps.get()).as("deliveries at once").isZero();
        assertThat(delivered).hasSize(count);
        for (int i = 0; i < count; i++) {
            if (delivered.get(i) != i + 1) {
                assertThat(delivered.get(i)).as("message at position " + i).isEqualTo(i + 1);
            }
        }
        assertThat(finishes.get()).isEqualTo(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
