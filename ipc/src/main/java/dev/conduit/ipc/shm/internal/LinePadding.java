package dev.conduit.ipc.shm.internal;

/**
 * 128 bytes of padding ahead of a subclass's fields (the JVM lays out a superclass's fields first), for an object
 * whose fields one thread reads in a loop: whatever the allocator or the garbage collector places just before it
 * (say, a buffer another thread writes for every message) cannot share a cache line pair with them.
 *
 * <p>The case it was made for: a link allocates its objects together, so the reader's view buffer, which the
 * receiving thread writes for every record, was allocated right before {@link ShmInbound}, whose fields the poller
 * reads every round. Whether the two shared a line depended on where the objects landed. The padding costs a few
 * hundred bytes per link; it did not measurably change the round trip (see {@code docs/performance.md}).
 */
abstract class LinePadding {
    /** Fills the gap after the object header, where the JVM would otherwise place a subclass's int. */
    int gap;

    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;
}
