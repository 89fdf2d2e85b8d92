package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Idle;
import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A blocking caller's wait while it reads its connection itself: interruptible, and it gives the reading back. */
class WaitingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final AtomicBoolean done = new AtomicBoolean();
    private final Thread[] waiter = new Thread[1];

    /** Ends the wait whatever the test's outcome, so that no waiter spins on after it. */
    @AfterEach
    void endTheWait() throws InterruptedException {
        done.set(true);
        Thread t = waiter[0];
        if (t != null) {
            t.interrupt();
            LockSupport.unpark(t);
            t.join(TIMEOUT.toMillis());
            assertThat(t.isAlive()).as("the waiter ended").isFalse();
        }
    }

    /** A carrier whose connection always has frames of other calls to read, and never the waiter's response. */
    private static final class Flooded implements ClientCarrier {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicBoolean givenBack = new AtomicBoolean();

        @Override
        public boolean deliverHere() {
            reads.incrementAndGet();
            return true;
        }

        @Override
        public void stopDeliveringHere() {
            givenBack.set(true);
        }

        @Override
        public int register(CarriedCall call) {
            return 0;
        }

        @Override
        public void remove(int id) {}

        @Override
        public boolean write(Frame frame) {
            return false;
        }

        @Override
        public long initialSendCredit() {
            return 0;
        }

        @Override
        public int peerMaxMessageSize() {
            return 0;
        }

        @Override
        public boolean acceptsCalls() {
            return false;
        }

        @Override
        public void drain() {}

        @Override
        public void cancelAll(Status status) {}

        @Override
        public int activeCalls() {
            return 0;
        }
    }

    private static CompletableFuture<Throwable> waitOn(Thread[] holder, AtomicBoolean done, Idle idle, Flooded c) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                Waiting.await(done::get, idle, c);
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.setDaemon(true);
        holder[0] = t;
        t.start();
        return outcome;
    }

    @Test
    void aSpinningReaderKeptBusyByOtherCallsStillHearsAnInterrupt() throws Exception {
        Flooded c = new Flooded();
        Thread[] t = waiter;
        CompletableFuture<Throwable> outcome = waitOn(t, done, Idle.SPIN, c);
        await().atMost(TIMEOUT).until(() -> c.reads.get() > 1000);
        t[0].interrupt();
        assertThat(outcome.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aBackingOffReaderKeptBusyByOtherCallsGivesTheReadingBackAndSleepsUntilWoken() throws Exception {
        Flooded c = new Flooded();
        Thread[] t = waiter;
        CompletableFuture<Throwable> outcome = waitOn(t, done, Idle.BACKOFF, c);
        await().atMost(TIMEOUT).until(() -> c.givenBack.get() && t[0].getState() == Thread.State.WAITING);
        int readsWhenAsleep = c.reads.get();
        done.set(true);
        LockSupport.unpark(t[0]);
        assertThat(outcome.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNull();
        assertThat(c.reads.get())
                .as("no reading after it gave the reading back")
                .isEqualTo(readsWhenAsleep);
    }
}
