package dev.conduit.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.CloseReason;
import dev.conduit.core.FramingException;
import dev.conduit.core.spi.LinkListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Who reads an inbound ring: the poller, or a receiver that waits in {@code receive} and claimed the ring. Driven
 * by hand, one call at a time, so each hand-over of the reading is seen exactly.
 */
class ShmInboundTest {
    private static final int CAPACITY = 4096;
    private final ByteBuffer memory =
            ByteBuffer.allocateDirect(RingDescriptor.ringLength(CAPACITY)).order(ByteOrder.nativeOrder());
    private final RingWriter writer = new RingWriter(memory, 0, CAPACITY);
    private final Owner owner = new Owner();
    private final ShmInbound inbound =
            new ShmInbound(owner, new RingReader(memory, 0, CAPACITY), ByteBufAllocator.DEFAULT, 1 << 20);
    private final Frames frames = new Frames();

    /** Counts what the inbound side asks of its link. */
    private static final class Owner implements ShmInbound.Owner {
        final AtomicInteger claimsReleased = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicInteger spaceFreed = new AtomicInteger();

        @Override
        public void wakeWriter(RingReader ring) {
            spaceFreed.incrementAndGet();
        }

        @Override
        public void claimReleased() {
            claimsReleased.incrementAndGet();
        }

        @Override
        public void failFromReceiver(Throwable error) {
            failure.set(error);
        }

        @Override
        public void beforeDelivery() {}
    }

    /** Records each frame's first byte and the thread that delivered it. */
    private static final class Frames implements LinkListener {
        final List<Integer> firstBytes = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        @Override
        public synchronized void onFrame(ByteBuffer frame) {
            firstBytes.add((int) frame.get(frame.position()));
            threads.add(Thread.currentThread());
        }

        @Override
        public void onClosed(CloseReason reason) {}
    }

    @AfterEach
    void closeInbound() {
        inbound.close(true); // releases a half-assembled message, which the leak check would report
    }

    private void send(int first, int size) {
        ByteBuf m = Unpooled.buffer(size).writeByte(first).writeZero(size - 1);
        assertThat(writer.write(m, 0)).isEqualTo(size);
    }

    /** The link starts: the listener is given, which everyone needs before they may read. */
    private void start() {
        inbound.start(frames);
    }

    @Test
    void aReceiverThatClaimedTheRingReadsItAndThePollerLeavesItAloneUntilASweep() {
        start();
        assertThat(inbound.readNow()).as("nothing yet, but the ring is claimed").isFalse();
        send(1, 64);
        assertThat(inbound.poll(false))
                .as("the poller leaves a claimed ring alone")
                .isFalse();
        assertThat(frames.firstBytes).isEmpty();
        assertThat(inbound.readNow()).isTrue();
        assertThat(frames.firstBytes).containsExactly(1);
        assertThat(frames.threads).containsExactly(Thread.currentThread());

        // The receiver got its message and went away: a sweep takes the claim back and reads what waits.
        send(2, 64);
        assertThat(inbound.poll(false)).isFalse();
        assertThat(inbound.poll(true)).as("a sweep reads a claimed ring").isTrue();
        assertThat(frames.firstBytes).containsExactly(1, 2);
        send(3, 64);
        assertThat(inbound.poll(false)).as("the claim ended with the sweep").isTrue();
        assertThat(frames.firstBytes).containsExactly(1, 2, 3);
    }

    /** The head the reader published for the writer: what it has zeroed and given back. */
    private long publishedHead() {
        return memory.getLong(RingDescriptor.HEAD_OFFSET);
    }

    /** The length word of the record slot at {@code position}: 0 once the reader zeroed it. */
    private int lengthAt(long position) {
        return memory.getInt(RingDescriptor.META_LENGTH + (int) position);
    }

    @Test
    void whatAReceiverReadIsGivenBackAtItsNextCallOrWhenTheClaimEnds() {
        start();
        inbound.readNow();
        send(1, 120); // one 128-byte record: two whole lines
        assertThat(inbound.readNow()).isTrue();
        assertThat(frames.firstBytes).containsExactly(1);
        assertThat(publishedHead()).as("owed until the next call").isZero();
        assertThat(lengthAt(0)).as("not zeroed yet").isEqualTo(128);
        assertThat(owner.spaceFreed).hasValue(0);

        assertThat(inbound.readNow()).as("nothing new to read").isFalse();
        assertThat(publishedHead()).isEqualTo(128);
        assertThat(lengthAt(0)).isZero();
        assertThat(owner.spaceFreed).hasValue(1);

        // Read, then give the claim up (as before sleeping): the space goes back with it.
        send(2, 120);
        assertThat(inbound.readNow()).isTrue();
        assertThat(publishedHead()).isEqualTo(128);
        inbound.endReadNow();
        assertThat(publishedHead()).isEqualTo(256);
        assertThat(lengthAt(128)).isZero();
        assertThat(owner.claimsReleased).hasValue(1);

        // Read, then the poller takes the ring (to see whether a peer that said goodbye was read to the end).
        inbound.readNow();
        send(3, 120);
        assertThat(inbound.readNow()).isTrue();
        assertThat(publishedHead()).isEqualTo(256);
        assertThat(inbound.drained()).isTrue();
        assertThat(publishedHead()).isEqualTo(384);
        assertThat(lengthAt(256)).isZero();
        assertThat(frames.firstBytes).containsExactly(1, 2, 3);
    }

    @Test
    void aReceiverThatReadsARecordAsItGivesBackTheLastOneLeavesTheNewOneOwed() {
        start();
        inbound.readNow();
        send(1, 120);
        assertThat(inbound.readNow()).isTrue();
        send(2, 120);
        assertThat(inbound.readNow()).as("reads the second record").isTrue();
        assertThat(publishedHead())
                .as("the first record is given back, the second is owed")
                .isEqualTo(128);
        assertThat(lengthAt(0)).isZero();
        assertThat(lengthAt(128)).isEqualTo(128);
        assertThat(frames.firstBytes).containsExactly(1, 2);
    }

    @Test
    void aSweepWithNothingToReadLeavesTheClaim() {
        start();
        inbound.readNow();
        assertThat(inbound.poll(true)).isFalse();
        send(1, 64);
        assertThat(inbound.poll(false)).as("still claimed").isFalse();
        assertThat(inbound.readNow()).isTrue();
        assertThat(frames.firstBytes).containsExactly(1);
    }

    @Test
    void endingTheClaimTellsThePollerAndGivesTheRingBack() {
        start();
        inbound.readNow();
        inbound.endReadNow();
        assertThat(owner.claimsReleased).hasValue(1);
        inbound.endReadNow();
        assertThat(owner.claimsReleased)
                .as("only a claim that was held is given back")
                .hasValue(1);
        send(1, 64);
        assertThat(inbound.poll(true)).as("the poller's sweep after being told").isTrue();
        send(2, 64);
        assertThat(inbound.poll(false)).isTrue();
        assertThat(frames.firstBytes).containsExactly(1, 2);
    }

    @Test
    void nobodyReadsBeforeTheLinkStarted() {
        send(1, 64);
        assertThat(inbound.readNow()).isFalse();
        assertThat(inbound.poll(true)).isFalse();
        assertThat(frames.firstBytes).isEmpty();
        start();
        assertThat(inbound.poll(false)).isTrue();
        assertThat(frames.threads).containsExactly(Thread.currentThread());
    }

    @Test
    void aPausedRingIsReadByNobody() {
        start();
        inbound.readNow();
        send(1, 64);
        inbound.setPaused(true);
        assertThat(inbound.readNow()).isFalse();
        assertThat(inbound.poll(true)).isFalse();
        inbound.setPaused(false);
        assertThat(inbound.readNow()).isTrue();
        assertThat(frames.firstBytes).containsExactly(1);
    }

    @Test
    void fragmentsReadPartlyByTheReceiverAndPartlyByThePollerMakeOneMessage() {
        start();
        int size = CAPACITY * 3;
        ByteBuf m = Unpooled.buffer(size).writeByte(7).writeZero(size - 1);
        inbound.readNow();
        int offset = writer.write(m, 0);
        assertThat(offset).as("the ring holds only part of the message").isBetween(1, size - 1);
        assertThat(inbound.readNow()).isTrue();
        while (offset < size) {
            assertThat(inbound.poll(true)).as("the poller reads on").isTrue();
            offset = Math.max(offset, writer.write(m, offset));
        }
        while (inbound.poll(false)) {
            // the rest
        }
        assertThat(frames.firstBytes).containsExactly(7);
        assertThat(frames.threads).containsExactly(Thread.currentThread());
    }

    @Test
    void onceTheLinkEndsTheReceiverGivesUpAndOnlyThePollerReads() {
        start();
        inbound.readNow();
        send(1, 64);
        inbound.end();
        assertThat(inbound.readNow()).isFalse();
        assertThat(inbound.drained()).as("the poller can look: a record waits").isFalse();
        assertThat(inbound.poll(false)).isTrue();
        assertThat(inbound.drained()).isTrue();
        send(2, 64);
        assertThat(inbound.readNow()).as("no new claim on an ending link").isFalse();
        assertThat(inbound.poll(false)).isTrue();
        assertThat(frames.firstBytes).containsExactly(1, 2);
    }

    @Test
    void parkingTakesTheClaimBack() {
        start();
        inbound.readNow();
        assertThat(inbound.park()).isTrue();
        inbound.unpark();
        send(1, 64);
        assertThat(inbound.poll(false)).isTrue();
        assertThat(frames.firstBytes).containsExactly(1);
    }

    @Test
    void aCorruptRecordMetByAReceiverFailsTheLinkAndEndsTheReceiversReading() {
        start();
        inbound.readNow();
        memory.putInt(RingDescriptor.META_LENGTH + RingDescriptor.TYPE_FIELD, RingDescriptor.WHOLE);
        RingDescriptor.INT.setRelease(memory, RingDescriptor.META_LENGTH, 3);
        assertThat(inbound.readNow()).isFalse();
        assertThat(owner.failure.get()).isInstanceOf(FramingException.class).hasMessageContaining("record length 3");
        assertThat(inbound.readNow()).as("the receiver reads no more").isFalse();
    }

    @Test
    void whileAReceiverReadsThePollerCannotTakeTheRingAndCloseWaitsForIt() throws Exception {
        CompletableFuture<Void> entered = new CompletableFuture<>();
        CompletableFuture<Void> proceed = new CompletableFuture<>();
        List<String> order = new CopyOnWriteArrayList<>();
        LinkListener slow = new LinkListener() {
            @Override
            public void onFrame(ByteBuffer frame) {
                entered.complete(null);
                proceed.join();
                order.add("frame");
                frames.onFrame(frame);
            }

            @Override
            public void onClosed(CloseReason reason) {}
        };
        inbound.start(slow);
        send(9, 8);
        // Threads of their own: the common pool may have a single thread, which the blocked reader would hold.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Boolean> reader = threads.submit(inbound::readNow);
            entered.get(30, TimeUnit.SECONDS);
            assertThat(inbound.poll(true)).as("the poller cannot read").isFalse();
            assertThat(inbound.drained())
                    .as("nor look whether everything was read")
                    .isFalse();
            assertThat(inbound.park()).as("nor park").isFalse();
            Future<?> closer = threads.submit(() -> {
                inbound.close(true);
                order.add("closed");
            });
            await().atMost(Duration.ofSeconds(30)).until(inbound::isEnding); // the close has begun
            proceed.complete(null);
            assertThat(reader.get(30, TimeUnit.SECONDS)).isTrue();
            closer.get(30, TimeUnit.SECONDS);
            assertThat(order)
                    .as("the close returned after the read it waited for")
                    .containsExactly("frame", "closed");
        } finally {
            proceed.complete(null);
            threads.shutdownNow();
        }
        assertThat(frames.firstBytes).containsExactly(9);
        send(10, 8);
        assertThat(inbound.readNow()).as("closed: no receiver reads").isFalse();
        assertThat(inbound.poll(true)).as("nor the poller").isFalse();
        assertThat(frames.firstBytes).containsExactly(9);
    }
}
