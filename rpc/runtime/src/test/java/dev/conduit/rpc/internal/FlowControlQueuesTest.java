package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-call credit accounting on both sides, without a transport. */
class FlowControlQueuesTest {

    private static final class RecordingReceiver implements InboundQueue.Receiver {
        final List<Integer> delivered = new ArrayList<>();
        final List<Integer> grants = new ArrayList<>();
        boolean finished;

        @Override
        public void deliver(Frame message) {
            delivered.add(message.payloadLength());
        }

        @Override
        public void finish() {
            finished = true;
        }

        @Override
        public void giveCredit(int increment) {
            grants.add(increment);
        }
    }

    /** A received message as Conduit's codec makes it: its cost is its size plus the per-message overhead. */
    private static Frame message(int size) {
        return Frame.message(1, new byte[size], size, Frames.cost(size), false);
    }

    @Test
    void receiverHoldsAtMostTheWindowAndReturnsCreditOnlyForConsumedMessages() {
        RecordingReceiver r = new RecordingReceiver();
        InboundQueue in = new InboundQueue(Runnable::run, r, 1000);
        int accepted = 0;
        while (in.arrive(message(92))) { // 100 bytes of credit each
            accepted++;
        }
        assertThat(accepted).isEqualTo(10);
        assertThat(in.bufferedBytes()).isEqualTo(920);
        assertThat(r.grants).as("nothing consumed, nothing granted").isEmpty();
        in.request(5);
        assertThat(r.delivered).hasSize(5);
        assertThat(r.grants).containsExactly(500);
        assertThat(in.arrive(message(92))).as("credit is back").isTrue();
        assertThat(in.peakBufferedBytes()).isEqualTo(920);
    }

    @Test
    void endOfStreamIsDeliveredAfterTheQueuedMessages() {
        RecordingReceiver r = new RecordingReceiver();
        InboundQueue in = new InboundQueue(Runnable::run, r, 1000);
        in.arrive(message(1));
        in.finish();
        assertThat(r.finished).isFalse();
        in.request(1);
        assertThat(r.delivered).hasSize(1);
        assertThat(r.finished).isTrue();
        assertThat(r.grants).as("no credit for a stream that has ended").isEmpty();
    }

    @Test
    void senderWritesWhileCreditIsPositiveAndResumesOnGrant() {
        List<Frame> written = new ArrayList<>();
        int[] ready = {0};
        OutboundQueue out = new OutboundQueue();
        OutboundQueue.Sink sink = new OutboundQueue.Sink() {
            @Override
            public boolean write(Frame f) {
                f.payloadLength = 100;
                f.cost(Frames.cost(100)); // as a carrier does when it encodes the message
                written.add(f);
                return true;
            }

            @Override
            public void onReady() {
                ready[0]++;
            }
        };
        for (int i = 0; i < 5; i++) {
            out.add(new Frame(Frames.MESSAGE, 0, 1));
        }
        assertThat(written).as("nothing before a connection").isEmpty();
        out.attach(sink, 250);
        assertThat(written).as("250 bytes of credit: 3 messages of cost 108").hasSize(3);
        assertThat(out.isReady()).isFalse();
        out.add(new Frame(Frames.HALF_CLOSE, 0, 1));
        assertThat(written).as("the half-close waits behind the messages").hasSize(3);
        out.grant(1000);
        assertThat(written).hasSize(6);
        assertThat(written.get(5).type).isEqualTo(Frames.HALF_CLOSE);
        assertThat(ready[0]).isEqualTo(1);
    }

    @Test
    void framesFromManyThreadsAreWrittenOneAtATimeAndInEachThreadsOrder() throws Exception {
        int threads = 4;
        int each = 20_000;
        java.util.concurrent.atomic.AtomicInteger writing = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
        int[] last = new int[threads];
        List<String> misordered = new ArrayList<>();
        int[] count = {0};
        OutboundQueue out = new OutboundQueue();
        out.attach(
                new OutboundQueue.Sink() {
                    @Override
                    public boolean write(Frame f) {
                        if (writing.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        for (int k = 0; k < 50; k++) {
                            Thread.onSpinWait(); // a write that takes a while, as a real one does
                        }
                        int thread = f.callId; // the sending thread, and its sequence number in value
                        if (last[thread] != f.value - 1) {
                            misordered.add(thread + ":" + f.value + " after " + last[thread]);
                        }
                        last[thread] = f.value;
                        count[0]++;
                        writing.decrementAndGet();
                        return true;
                    }

                    @Override
                    public void onReady() {}
                },
                Long.MAX_VALUE / 2);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                senders.add(pool.submit(() -> {
                    go.await();
                    for (int i = 1; i <= each; i++) {
                        Frame f = new Frame(Frames.WINDOW_UPDATE, 0, thread);
                        f.value = i;
                        out.add(f);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (var sender : senders) {
                sender.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // Every add has returned; the last drain that any of them started has finished before its add returned.
        assertThat(overlaps.get()).as("writes at once").isZero();
        assertThat(misordered).isEmpty();
        assertThat(count[0]).isEqualTo(threads * each);
    }

    @Test
    void abortDropsQueuedFramesAndSendsCancelOnlyIfTheCallStarted() {
        List<Frame> written = new ArrayList<>();
        OutboundQueue.Sink sink = new OutboundQueue.Sink() {
            @Override
            public boolean write(Frame f) {
                written.add(f);
                return true;
            }

            @Override
            public void onReady() {}
        };
        OutboundQueue neverStarted = new OutboundQueue();
        neverStarted.add(new Frame(Frames.CALL_START, 0, 1));
        neverStarted.abort(Frame.status(Frames.CANCEL, 1, 1, null), true);
        neverStarted.attach(sink, 100);
        assertThat(written).isEmpty();

        OutboundQueue started = new OutboundQueue();
        started.attach(sink, 0);
        started.add(new Frame(Frames.CALL_START, 0, 1));
        started.add(new Frame(Frames.MESSAGE, 0, 1));
        started.abort(Frame.status(Frames.CANCEL, 1, 1, null), true);
        assertThat(written).extracting(f -> f.type).containsExactly(Frames.CALL_START, Frames.CANCEL);
    }
}
