package dev.conduit.benchmarks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A sink's message count, written by one thread for every message, alone on its cache lines. A bare {@code
 * AtomicLong} is a 24-byte object that the collector may move next to anything, for example the payload array that
 * the sending thread reads for every message; each count would then take that line from the sender. JMH pads its
 * {@code @State} objects for the same reason, which is where Aeron's sink in {@link AeronIpcBenchmark} keeps its
 * count.
 */
final class PaddedCounter {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    /** The count lives in the middle: 128 bytes of array on either side. */
    private static final int AT = 16;

    private final long[] slots = new long[2 * AT + 1];

    /** Adds one with an ordered store: the single writer needs no atomic read-modify-write, nor a full fence. */
    void increment() {
        SLOTS.setRelease(slots, AT, slots[AT] + 1);
    }

    long get() {
        return (long) SLOTS.getAcquire(slots, AT);
    }
}
