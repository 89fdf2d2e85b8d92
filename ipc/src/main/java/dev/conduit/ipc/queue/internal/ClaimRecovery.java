package dev.conduit.ipc.queue.internal;

import static dev.conduit.ipc.queue.internal.SegmentDescriptor.ALIGNMENT;
import static dev.conduit.ipc.queue.internal.SegmentDescriptor.TILE;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a reader does when the record it waits for does not come: a writer claimed room with its atomic add and then
 * died (or is stopped) before committing, and without help every reader would wait at that claim forever.
 *
 * <p>After {@link #STALL_MILLIS} ms ({@link #UNMARKED_STALL_MILLIS} for space with no mark) at one position, the reader looks closer (and again every so often):
 *
 * <ul>
 *   <li><b>A marked claim</b> (negative word, with the claimer's pid): if that process is gone, or started after the
 *       reader first saw the claim (its pid was reused), the reader turns the claim into padding of its length, with
 *       a compare-and-set of word and pid together. A live claimer is waited for, however long it takes (a stopped
 *       process stops the queue's readers too; see {@code ipc/QUEUE.md}).
 *   <li><b>Claimed space with no mark</b> (zero, below the tail): a writer died between its atomic add and its mark,
 *       so its length and pid are unknown. The reader lays eight-byte padding tiles, each by a compare-and-set from
 *       zero, from its position up to the first word that is not zero (a later record's mark), or to the tail. A
 *       writer marks its claim by the same compare-and-set, so each eight bytes go to exactly one of them: a live
 *       writer that was merely slow finds its claim taken and claims again elsewhere, and can never write into
 *       tiles. Tiles laid by another reader are walked over.
 * </ul>
 *
 * Both leave records that every reader then skips alike. One instance per reader; not thread-safe.
 */
final class ClaimRecovery {
    private static final Logger log = LoggerFactory.getLogger(ClaimRecovery.class);
    /** How long a reader waits at a marked claim before it asks whether the claimer lives. */
    static final long STALL_MILLIS = 10;
    /**
     * How long a reader waits at claimed space with no mark before it tiles it. Dying in the instant between the
     * atomic add and the mark is rare, while a live writer descheduled there for a while is not, on a busy machine;
     * such a writer then claims again, which is safe but wasted work, hence the longer wait.
     */
    static final long UNMARKED_STALL_MILLIS = 100;

    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);
    private static final long UNMARKED_STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(UNMARKED_STALL_MILLIS);

    private long segment = -1;
    private int offset = -1;
    private long since;
    private long firstSeenMillis;

    /**
     * The reader found {@code word} (zero or a claim) at {@code offset} of {@code s}; returns whether it rewrote
     * something there, so that reading can go on at once.
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
        if (now - since < (word < 0 ? STALL_NANOS : UNMARKED_STALL_NANOS)) {
            return false;
        }
        since = now; // look again after another stall, not at every poll
        return word < 0 ? skipDeadClaim(s, at, word) : tileUnmarkedClaims(s, at);
    }

    /** The reader moved on: a later wait starts afresh. */
    void progressed() {
        offset = -1;
    }

    private boolean skipDeadClaim(SegmentFile s, int at, int word) {
        int pid = s.pid(at);
        if (ProcessLiveness.mayBeAlive(pid, firstSeenMillis)) {
            return false;
        }
        int length = -word;
        if (length < ALIGNMENT || length > s.capacity() - at || (length & (ALIGNMENT - 1)) != 0) {
            return false; // not a writer's mark: wait; the word is reported as corrupt if it ever commits as such
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

    private boolean tileUnmarkedClaims(SegmentFile s, int at) {
        long tail = s.tail();
        if (tail <= at) {
            return false; // nothing claimed here: the queue is only idle
        }
        int end = (int) Math.min(tail, s.capacity());
        int tiled = 0;
        for (int p = at; p < end; p += ALIGNMENT) {
            if (s.tile(p)) {
                tiled += ALIGNMENT;
            } else if (s.word(p) != TILE) {
                break;
            }
        }
        if (tiled > 0) {
            log.info(
                    "queue {}: {} bytes at offset {} of segment {} were claimed and not marked for {} ms; readers skip"
                            + " them (a writer died right after claiming, or was stopped and will claim again)",
                    s.path().getParent(),
                    tiled,
                    at,
                    s.number(),
                    UNMARKED_STALL_MILLIS);
        }
        return tiled > 0 || s.word(at) != 0;
    }
}
