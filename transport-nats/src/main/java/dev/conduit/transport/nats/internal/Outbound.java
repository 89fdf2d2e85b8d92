package dev.conduit.transport.nats.internal;

import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * <p>A write is "taken" (its callback completes) once the NATS client has the message; frames that wait for credit
 * count as pending in the channel, which is how a slow reader turns into backpressure on its sender.
 *
 * <p>Thread-safe; callbacks run after the lock is released, on the thread that sent the frame.
 */
final class Outbound {
    private record Pending(ByteBuf frame, WriteCallback callback) {}

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

    /** Sends a PING (heartbeat, and this side's grant). */
    void ping() {
        lock.lock();
        try {
            if (failed == null && peer != null) {
                publish(Wire.ping(seq, grant.getAsLong()), null);
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
            boolean sentSome = Wire.RECORD_HEADER + head.frame.readableBytes() <= maxChunk
                    ? sendBatch(done)
                    : sendPart(head, done);
            if (!sentSome) {
                return;
            }
        }
    }

    /** Sends the whole frames at the head of the queue that fit in one message and in the credit left. */
    private boolean sendBatch(List<WriteCallback> done) {
        int bytes = 0;
        int count = 0;
        for (Pending p : queue) {
            int record = Wire.RECORD_HEADER + p.frame.readableBytes();
            if (bytes + record > maxChunk || sent + bytes + record > limit) {
                break;
            }
            bytes += record;
            count++;
        }
        if (count == 0) {
            return false;
        }
        byte[] m = new byte[Wire.HEADER + bytes];
        Wire.header(m, Wire.DATA, ++seq, grant.getAsLong());
        ByteBuffer b = ByteBuffer.wrap(m, Wire.HEADER, bytes);
        for (int i = 0; i < count; i++) {
            Pending p = queue.poll();
            ByteBuf f = p.frame;
            int size = f.readableBytes();
            b.putInt(size);
            f.getBytes(f.readerIndex(), m, b.position(), size);
            b.position(b.position() + size);
            f.release();
            done.add(p.callback);
        }
        sent += bytes;
        publish(m, null);
        return true;
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
