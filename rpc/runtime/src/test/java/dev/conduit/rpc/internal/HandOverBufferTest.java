package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lock-free buffer between one writer and one reader: first in, first out, through rings of any size. */
class HandOverBufferTest {
    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        writer.shutdownNow();
        assertThat(writer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anEmptyBufferPollsNull() {
        HandOverBuffer<Integer> buffer = new HandOverBuffer<>(8);
        assertThat(buffer.poll()).isNull();
        buffer.offer(1);
        assertThat(buffer.poll()).isEqualTo(1);
        assertThat(buffer.poll()).isNull();
    }

    @Test
    void moreThanTheFirstRingHoldsKeepsItsOrderAcrossTheNextRings() {
        HandOverBuffer<Integer> buffer = new HandOverBuffer<>(2);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 100; i++) {
                buffer.offer(i);
            }
            for (int i = 0; i < 100; i++) {
                assertThat(buffer.poll()).as("element %d of round %d", i, round).isEqualTo(i);
            }
            assertThat(buffer.poll()).isNull();
        }
    }

    @Test
    void aReaderRacingAWriterSeesEveryElementOnceInOrder() throws Exception {
        HandOverBuffer<Integer> buffer = new HandOverBuffer<>(8);
        int count = 2_000_000;
        CompletableFuture<Void> written = CompletableFuture.runAsync(
                () -> {
                    for (int i = 0; i < count; i++) {
                        buffer.offer(i);
                        if ((i & 1023) == 0) {
                            Thread.yield(); // lets the reader empty the buffer now and then: both edges raced
                        }
                    }
                },
                writer);
        for (int expected = 0; expected < count; ) {
            boolean done = written.isDone();
            Integer e = buffer.poll();
            if (e == null) {
                // What was written before the writer finished must be readable.
                assertThat(done)
                        .as("the writer finished, yet element %d is missing", expected)
                        .isFalse();
                Thread.onSpinWait();
                continue;
            }
            if (e != expected) {
                assertThat(e).as("element read in place of %d", expected).isEqualTo(expected);
            }
            expected++;
        }
        written.get(10, TimeUnit.SECONDS);
        assertThat(buffer.poll()).isNull();
    }
}
