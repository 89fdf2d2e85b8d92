package dev.conduit.ipc.queue.internal;

import static dev.conduit.ipc.queue.internal.SegmentDescriptor.ALIGNMENT;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a reader does when the record it waits for stays claimed: its writer died (or is stopped) between claiming and
 * committing it, and without help every reader would wait there forever.
 *
 * <p>A claim carries its length and its writer's pid, set together by one compare-and-exchange ({@link
 * SegmentDescriptor}). After {@link #STALL_MILLIS} ms at one claim, and again every {@link #STALL_MILLIS} ms, the
 * reader asks whether that process still runs. Once it is gone, or runs under a pid that was reused (its process
 * started after the reader first saw the claim), the reader turns the claim into padding of its length, with a
 * compare-and-set of word and pid together, which fails harmlessly if the writer committed meanwhile or another
 * reader got there first. A live writer is waited for, however long it takes: a stopped ({@code SIGSTOP}) process
 * holds up the readers of the queue, in every process, until it runs again or dies. The writer is the only one that
 * ever writes inside its claim, so padding over a dead writer's claim can never hide anybody else's record.
 *
 * <p>One instance per reader; not thread-safe.
 */
final class ClaimRecovery {
    private static final Logger log = LoggerFactory.getLogger(ClaimRecovery.class);
    /** How long a reader waits at a claim before it asks whether the claimer lives, and between two asks. */
    static final long STALL_MILLIS = 10;

    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);

    private long segment = -1;
    private int offset = -1;
    private long since;
    private long firstSeenMillis;

    /**
     * The reader found the claimed word {@code word} (negative) at {@code at} of {@code s}; returns whether it turned
     * the claim into padding, or found it committed, so that reading can go on at once.
     */
    boolean unblock(SegmentFile s, int at, int word) {
        long now = System.nanoTime();
        if (s.number() != segment || at != offset) {
            segment = s.number();
            offset = at;
            since = now;
            firstSeenMillis = System.currentTimeMillis();
            return false;
        }
        if (now - since < STALL_NANOS) {
            return false;
        }
        since = now;
        int pid = s.pid(at);
        if (ProcessLiveness.mayBeAlive(pid, firstSeenMillis)) {
            return false;
        }
        int length = -word;
        if (length < ALIGNMENT || length > s.capacity() - at || (length & (ALIGNMENT - 1)) != 0) {
            return false; // not a writer's claim: wait; the word is reported as corrupt if it ever commits as such
        }
        if (s.abandon(at, length, pid)) {
            log.warn(
                    "queue {}: process {} claimed {} bytes at offset {} of segment {} and died before committing them;"
                            + " readers skip them",
                    s.path().getParent(),
                    pid,
                    length,
                    at,
                    s.number());
        }
        return true;
    }

    /** The reader moved on: a later wait starts afresh. */
    void progressed() {
        offset = -1;
    }
}
