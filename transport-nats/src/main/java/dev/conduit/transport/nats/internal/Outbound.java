package dev.conduit.transport.nats.internal;

import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The sending half of a session: frames wait here until the peer's credit lets them go, then leave as DATA messages
 * (whole frames, several small ones batched) or PART messages (pieces of a frame too large for one NATS message).
 * Every message the session publishes goes through here, under one lock, so that their order on the wire is the
 * order of their sequence numbers.
 *
 * <p>A whole frame that credit lets go is copied into the DATA message being filled ({@link #batch}) and is then
 * "taken" (its callback completes, or {@link #writeNow} returns true); the message is published at once, unless the
 * writing thread is delivering a NATS message ({@link HeldWrites}): then it is published when that delivery returns,
 * or when it is full. Frames that wait for credit count as pending in the channel, which is how a slow reader turns
 * into backpressure on its sender.
 *
 * <p>Thread-safe; callbacks run after the lock is released, on the thread that sent the frame.
 */
final class Outbound {
    private record Pending(ByteBuf frame, WriteCallback callback) {}

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    /** The first size of a session's batch buffer, which grows (up to a chunk) as batches do. */
    private static final int SMALL = 256;
    /** The largest batch buffer a session keeps between messages. */
    private static final int KEEP = 4096;

    /** Where messages go; returns false once the NATS connection is closed. */
    interface Publisher {
        boolean publish(String subject, @Nullable String replyTo, byte[] body);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Publisher publisher;
    private final LongSupplier grant;
    private final int maxChunk;
    private @Nullable String peer;
    /** The last DATA or PART sequence number sent. */
    private long seq;
    /** Credit bytes sent so far. */
    private long sent;
    /** The peer's grant: {@link #sent} may grow up to this. */
    private long limit;
    /** How much of the head frame has gone out in PART messages. */
    private int partOffset;
    /**
     * The DATA message being filled: {@link Wire#HEADER} bytes for the header, written when it is published, then the
     * records copied in so far, up to {@link #batchEnd}. Kept for the next message while it is small.
     */
    private byte @Nullable [] batch;

    private int batchEnd = Wire.HEADER;
    /** Whether a delivering thread's {@link HeldWrites} will publish the batch. */
    private boolean held;

    private @Nullable Throwable failed;
    private volatile long lastSentNanos = System.nanoTime();

    /**
     * @param grant this side's current grant to the peer, carried in every message
     * @param maxChunk the largest DATA or PART body: under the server's payload limit and half the smallest window
     */
    Outbound(Publisher publisher, LongSupplier grant, int maxChunk) {
        this.publisher = publisher;
        this.grant = grant;
        this.maxChunk = maxChunk;
    }

    /**
     * Opens the way to {@code peerSubject} with the peer's first grant; {@code first} (the ACCEPT of a listener's
     * session, or null) goes out before anything else.
     */
    void open(String peerSubject, long firstGrant, byte @Nullable [] first, @Nullable String firstReplyTo) {
        List<WriteCallback> done = new ArrayList<>();
        lock.lock();
        try {
            if (failed != null) {
                return;
            }
            peer = peerSubject;
            limit = firstGrant;
            if (first != null) {
                publish(first, firstReplyTo);
            }
            drain(done);
        } finally {
            lock.unlock();
        }
        complete(done, null);
    }

    void write(ByteBuf frame, WriteCallback callback) {
        List<WriteCallback> done = new ArrayList<>(1);
        Throwable error;
        lock.lock();
        try {
            error = failed;
            if (error == null) {
                queue.add(new Pending(frame, callback));
                drain(done);
            }
        } finally {
            lock.unlock();
        }
        if (error != null) {
            frame.release();
            callback.writeComplete(error);
            return;
        }
        complete(done, null);
    }

    /**
     * Copies {@code frame} into the DATA message being filled and returns true, if nothing waits before it and credit
     * lets it go; otherwise returns false and {@link #write} must take it. The caller keeps {@code frame}.
     */
    boolean writeNow(ByteBuf frame) {
        int record = Wire.RECORD_HEADER + frame.readableBytes();
        if (record > maxChunk) {
            return false;
        }
        lock.lock();
        try {
            if (failed != null || peer == null || !queue.isEmpty() || sent + record > limit) {
                return false;
            }
            append(frame, record);
            publishOrHold();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The peer granted credit up to {@code newLimit}. */
    void granted(long newLimit) {
        List<WriteCallback> done = null;
        lock.lock();
        try {
            if (newLimit > limit) {
                limit = newLimit;
                if (!queue.isEmpty()) {
                    done = new ArrayList<>();
                    drain(done);
                }
            }
        } finally {
            lock.unlock();
        }
        if (done != null) {
            complete(done, null);
        }
    }

    /** Sends this side's grant, and says it is alive: in the DATA message being filled if any, else in a PING. */
    void ping() {
        lock.lock();
        try {
            if (failed == null && peer != null) {
                if (batchEnd > Wire.HEADER) {
                    publishBatch();
                } else {
                    publish(Wire.ping(seq, grant.getAsLong()), null);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Publishes the DATA message being filled, if any: a delivery that held it returned, or the ticker came by. */
    void publishHeld() {
        lock.lock();
        try {
            held = false;
            if (failed == null) {
                publishBatch();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells the peer the session ends (if it can still be told), then fails every frame not sent with {@code error}.
     * Idempotent: only the first call sends a CLOSE.
     */
    void close(boolean errorClose, String reason, Throwable error) {
        List<WriteCallback> dropped = new ArrayList<>();
        lock.lock();
        try {
            if (failed != null) {
                return;
            }
            if (peer != null) {
                publishBatch(); // frames already taken go out before the CLOSE
                publish(Wire.close(seq, grant.getAsLong(), errorClose, reason), null);
            }
            failed = error;
            Pending p;
            while ((p = queue.poll()) != null) {
                p.frame.release();
                dropped.add(p.callback);
            }
        } finally {
            lock.unlock();
        }
        complete(dropped, error);
    }

    /** When this side last published anything to the peer. */
    long lastSentNanos() {
        return lastSentNanos;
    }

    /** Sends what credit allows, in order. Under the lock; callbacks of frames fully sent go to {@code done}. */
    private void drain(List<WriteCallback> done) {
        while (peer != null && !queue.isEmpty()) {
            Pending head = queue.peek();
            int record = Wire.RECORD_HEADER + head.frame.readableBytes();
            if (record <= maxChunk) {
                if (sent + record > limit) {
                    break;
                }
                append(head.frame, record);
                queue.poll();
                head.frame.release();
                done.add(head.callback);
            } else {
                publishBatch(); // the whole frames before it go first
                if (!sendPart(head, done)) {
                    break;
                }
            }
        }
        publishOrHold();
    }

    /** Copies one whole frame into the DATA message being filled, publishing that first if the frame does not fit. */
    private void append(ByteBuf f, int record) {
        byte[] b = batch;
        if (b != null && batchEnd + record > Wire.HEADER + maxChunk) {
            publishBatch();
            b = batch;
        }
        if (b == null || batchEnd + record > b.length) {
            int grown = b == null ? SMALL : 2 * b.length;
            int size = Math.max(batchEnd + record, Math.min(Wire.HEADER + maxChunk, grown));
            b = b == null ? new byte[size] : Arrays.copyOf(b, size);
            batch = b;
        }
        int size = record - Wire.RECORD_HEADER;
        INT.set(b, batchEnd, size);
        f.getBytes(f.readerIndex(), b, batchEnd + Wire.RECORD_HEADER, size);
        batchEnd += record;
        sent += record;
    }

    /** Publishes the batch now, or leaves it to the delivery under way on this thread. */
    private void publishOrHold() {
        if (batchEnd == Wire.HEADER) {
            return;
        }
        HeldWrites delivering = HeldWrites.ofCallingThread();
        if (delivering == null) {
            publishBatch();
        } else if (!held) {
            held = true;
            delivering.add(this);
        }
    }

    /** Publishes the DATA message being filled, if it has any record. */
    private void publishBatch() {
        byte[] b = batch;
        if (b == null || batchEnd == Wire.HEADER) {
            return;
        }
        Wire.header(b, Wire.DATA, ++seq, grant.getAsLong());
        byte[] m;
        if (batchEnd == b.length) {
            m = b;
            batch = null;
        } else {
            m = Arrays.copyOf(b, batchEnd);
            if (b.length > KEEP) {
                batch = null; // a large buffer is not kept by an idle session
            }
        }
        batchEnd = Wire.HEADER;
        publish(m, null);
    }

    /** Sends the next piece of a frame too large for one message, as large as the credit left allows. */
    private boolean sendPart(Pending head, List<WriteCallback> done) {
        ByteBuf f = head.frame;
        int total = f.readableBytes();
        long credit = limit - sent - Wire.PART_HEADER;
        int chunk = (int) Math.min(Math.min(total - partOffset, maxChunk - Wire.PART_HEADER), credit);
        if (chunk <= 0 || (chunk < maxChunk / 4 && chunk < total - partOffset)) {
            return false; // wait for more credit rather than send slivers
        }
        byte[] m = new byte[Wire.HEADER + Wire.PART_HEADER + chunk];
        Wire.header(m, Wire.PART, ++seq, grant.getAsLong());
        ByteBuffer.wrap(m, Wire.HEADER, Wire.PART_HEADER).putInt(total).putInt(partOffset);
        f.getBytes(f.readerIndex() + partOffset, m, Wire.HEADER + Wire.PART_HEADER, chunk);
        sent += Wire.PART_HEADER + chunk;
        partOffset += chunk;
        publish(m, null);
        if (partOffset == total) {
            queue.poll();
            partOffset = 0;
            f.release();
            done.add(head.callback);
        }
        return true;
    }

    private void publish(byte[] m, @Nullable String replyTo) {
        publisher.publish(peer, replyTo, m);
        lastSentNanos = System.nanoTime();
    }

    private static void complete(List<WriteCallback> callbacks, @Nullable Throwable error) {
        for (WriteCallback c : callbacks) {
            c.writeComplete(error);
        }
    }
}
