package dev.conduit.transport.socket.internal;

import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * Writes a {@link ReconnectingLink} holds while it has no connection, bounded in bytes. Not thread-safe: the owner's
 * lock guards it.
 */
final class HeldWrites {
    private final int limit;
    private final ArrayDeque<ByteBuf> frames = new ArrayDeque<>();
    private final ArrayDeque<WriteCallback> callbacks = new ArrayDeque<>();
    private long bytes;

    HeldWrites(int limit) {
        this.limit = limit;
    }

    /** Bytes held. */
    long bytes() {
        return bytes;
    }

    /** Holds a frame unless that would pass the limit; false (and nothing held) if it would. */
    boolean offer(ByteBuf frame, WriteCallback callback) {
        int size = frame.readableBytes();
        if (bytes + size > limit) {
            return false;
        }
        frames.add(frame);
        callbacks.add(callback);
        bytes += size;
        return true;
    }

    /** Writes every held frame to {@code link}, in order. */
    void writeTo(Link link) {
        while (!frames.isEmpty()) {
            link.write(frames.poll(), callbacks.poll());
        }
        bytes = 0;
    }

    /** Moves everything held into a new instance, leaving this one empty: to fail them outside the lock. */
    HeldWrites takeAll() {
        HeldWrites taken = new HeldWrites(limit);
        taken.frames.addAll(frames);
        taken.callbacks.addAll(callbacks);
        taken.bytes = bytes;
        frames.clear();
        callbacks.clear();
        bytes = 0;
        return taken;
    }

    /** Releases every held frame and fails its write with {@code error}. */
    void failAll(Throwable error) {
        while (!frames.isEmpty()) {
            frames.poll().release();
            callbacks.poll().writeComplete(error);
        }
        bytes = 0;
    }
}
