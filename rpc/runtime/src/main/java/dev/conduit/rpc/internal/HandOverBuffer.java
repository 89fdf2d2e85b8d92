package dev.conduit.rpc.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * A first-in first-out buffer between one writing thread at a time and one reading thread at a time, without locks:
 * a ring of slots, a slot being free while it holds null. The writer never waits: when the ring is about to fill, it
 * moves on to a ring twice the size and leaves a marker pointing there, which the reader follows. A reader and a
 * writer that are held to a bound (as the blocking receiver's prefetch holds them) keep the first ring for good.
 *
 * <p>Not a JDK queue: {@code ConcurrentLinkedQueue} makes a node per element and serves many writers with compare-and-
 * set, and the bounded {@code ArrayBlockingQueue} takes a lock; the unbounded single-writer queue Netty carries makes
 * a node per element too. This ring makes nothing per element while the bound holds.
 *
 * <p>Threading: {@link #offer} from one thread at a time, {@link #poll} from one thread at a time, each side ordered
 * with its own earlier calls by the caller (a serial executor, one reading thread). Neither side blocks.
 */
final class HandOverBuffer<T> {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    /** In a ring's slot: the next ring, held in that ring's extra last element, continues from here. */
    private static final Object NEXT_RING = new Object();

    // Each ring has a power-of-two count of slots plus one element for the link to the next ring.
    private Object[] writeRing; // writer's
    private int writeIndex; // writer's: the next slot to fill, always a free one
    private Object[] readRing; // reader's
    private int readIndex; // reader's: the next slot to read

    /** A buffer whose first ring holds {@code capacity} elements (rounded up to a power of two, minus one). */
    HandOverBuffer(int capacity) {
        int slots = Integer.highestOneBit(Math.max(2, capacity + 1) * 2 - 1);
        writeRing = readRing = new Object[slots + 1];
    }

    /** Appends {@code element}; publishes it to the reader (a release store). Never waits, never fails. */
    void offer(T element) {
        Object[] ring = writeRing;
        int mask = ring.length - 2;
        int i = writeIndex;
        int after = (i + 1) & mask;
        // One slot is always left free, so that the reader tells an empty ring from a full one by the slot alone.
        if (SLOT.getAcquire(ring, after) == null) {
            writeIndex = after;
            SLOT.setRelease(ring, i, element);
            return;
        }
        Object[] next = new Object[(ring.length - 1) * 2 + 1];
        next[0] = element;
        writeRing = next;
        writeIndex = 1;
        ring[ring.length - 1] = next; // published by the release store of the marker
        SLOT.setRelease(ring, i, NEXT_RING);
    }

    /** The oldest element, or null if none is published yet. */
    @SuppressWarnings("unchecked")
    @Nullable
    T poll() {
        Object[] ring = readRing;
        int i = readIndex;
        Object e = SLOT.getAcquire(ring, i);
        if (e == NEXT_RING) {
            ring = readRing = (Object[]) ring[ring.length - 1];
            i = 0;
            e = SLOT.getAcquire(ring, 0);
        }
        if (e == null) {
            readIndex = i;
            return null;
        }
        readIndex = (i + 1) & (ring.length - 2);
        SLOT.setRelease(ring, i, null); // frees the slot for the writer
        return (T) e;
    }
}
