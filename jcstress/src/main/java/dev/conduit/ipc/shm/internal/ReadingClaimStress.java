package dev.conduit.ipc.shm.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.conduit.core.CloseReason;
import dev.conduit.core.spi.LinkListener;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * The shared-memory ring's reading claim ({@code ShmInbound.reading}) against its release and the poller: a receiver
 * claims the ring and reads ({@code readNow}), then gives the claim back ({@code endReadNow}), while the poller sweeps
 * (taking a claim away) and closes the ring (taking the flag for good). Records are delivered once each, in order,
 * one reader at a time, and none after {@code close} has returned: the mapping may be gone then.
 */
@JCStressTest
@Description("shm reading claim vs release vs the poller's take and close: once, in order, one at a time, none late")
@Outcome(id = "12", expect = ACCEPTABLE, desc = "both records read before the close")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "one record read, the close dropped the other")
@Outcome(id = "-", expect = ACCEPTABLE, desc = "the close came first and dropped both")
@Outcome(
        expect = FORBIDDEN,
        desc = "duplicated, reordered, concurrent ('!'), after the close ('late'), or a read that failed ('error')")
@State
public class ReadingClaimStress {
    private static final int CAPACITY = RingDescriptor.MIN_CAPACITY;

    private final Frames frames = new Frames();
    private final ShmInbound inbound;

    public ReadingClaimStress() {
        ByteBuffer memory =
                ByteBuffer.allocateDirect(RingDescriptor.ringLength(CAPACITY)).order(ByteOrder.nativeOrder());
        RingWriter writer = new RingWriter(memory, 0, CAPACITY);
        writer.writeWhole(Unpooled.wrappedBuffer(new byte[] {'1'}));
        writer.writeWhole(Unpooled.wrappedBuffer(new byte[] {'2'}));
        inbound = new ShmInbound(
                new Owner(frames), new RingReader(memory, 0, CAPACITY), ByteBufAllocator.DEFAULT, 1 << 20);
        inbound.start(frames);
    }

    @Actor
    public void receiver() {
        try {
            inbound.readNow();
            inbound.endReadNow();
        } catch (RuntimeException e) {
            frames.failed = true;
        }
    }

    @Actor
    public void poller() {
        try {
            inbound.poll(true);
            inbound.close(true);
        } catch (RuntimeException e) {
            frames.failed = true;
        }
        frames.closed = true;
    }

    @Arbiter
    public void arbiter(L_Result r) {
        r.r1 = frames.outcome();
    }

    /** Writes down each frame's byte, and whether one came at the same time as another or after the close. */
    private static final class Frames implements LinkListener {
        private final StringBuffer log = new StringBuffer();
        private final AtomicInteger running = new AtomicInteger();
        private volatile boolean overlapped;
        private volatile boolean late;
        volatile boolean closed;
        /** A read threw: a reader saw the ring or its view in a state no reader should. */
        volatile boolean failed;

        @Override
        public void onFrame(ByteBuffer frame) {
            if (running.incrementAndGet() != 1) {
                overlapped = true;
            }
            if (closed) {
                late = true;
            }
            if (frame.remaining() == 1) {
                log.append((char) frame.get(frame.position()));
            } else {
                failed = true; // another reader moved the shared view under this one
            }
            for (int i = 0; i < 32; i++) {
                Thread.onSpinWait();
            }
            running.decrementAndGet();
        }

        @Override
        public void onClosed(CloseReason reason) {}

        String outcome() {
            String s = log.length() == 0 ? "-" : log.toString();
            return s + (overlapped ? "!" : "") + (late ? "late" : "") + (failed ? "error" : "");
        }
    }

    private static final class Owner implements ShmInbound.Owner {
        private final Frames frames;

        Owner(Frames frames) {
            this.frames = frames;
        }

        @Override
        public void wakeWriter(RingReader ring) {}

        @Override
        public void claimReleased() {}

        @Override
        public void failFromReceiver(Throwable error) {
            frames.failed = true;
        }

        @Override
        public void beforeDelivery() {}
    }
}
