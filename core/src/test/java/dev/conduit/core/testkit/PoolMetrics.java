package dev.conduit.core.testkit;

import dev.conduit.core.Conduit;
import dev.conduit.core.internal.RuntimeCore;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PoolChunkListMetric;
import io.netty.buffer.PoolChunkMetric;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * What a runtime's buffer pool holds, finer than {@link Conduit#stats()}: bytes in live buffers and every huge
 * allocation ever made, for tests that bound memory or prove that something was refused before it was allocated.
 * The pool is the runtime's own and internal; a test reaches it by reflection rather than the API growing a hook.
 *
 * @param activeBytes bytes of the pool's buffers in use or cached by its threads, direct and heap, to the page
 * @param directMemory bytes of direct memory the pool has reserved (whole chunks)
 * @param hugeAllocations allocations too big for a chunk made so far (each is a direct or heap block of its own)
 * @param chunkSize the size of one of the pool's chunks
 */
public record PoolMetrics(long activeBytes, long directMemory, long hugeAllocations, long chunkSize) {

    /** A snapshot of {@code runtime}'s pool. */
    public static PoolMetrics of(Conduit runtime) {
        PooledByteBufAllocator pool = pool(runtime);
        List<PoolArenaMetric> arenas = new ArrayList<>(pool.metric().directArenas());
        arenas.addAll(pool.metric().heapArenas());
        long active = 0;
        long huge = 0;
        for (PoolArenaMetric arena : arenas) {
            active += usedBytes(arena);
            huge += arena.numHugeAllocations();
        }
        return new PoolMetrics(
                active, pool.metric().usedDirectMemory(), huge, pool.metric().chunkSize());
    }

    /**
     * Bytes of an arena's live buffers, to the page: {@link PoolArenaMetric#numActiveBytes()} counts every chunk in
     * use whole, so the pages used in each chunk are summed instead, and huge blocks added (what that count has
     * beyond its chunks).
     */
    private static long usedBytes(PoolArenaMetric arena) {
        long used = 0;
        long chunks = 0;
        for (PoolChunkListMetric list : arena.chunkLists()) {
            for (PoolChunkMetric chunk : list) {
                used += chunk.chunkSize() - chunk.freeBytes();
                chunks += chunk.chunkSize();
            }
        }
        return used + Math.max(0, arena.numActiveBytes() - chunks);
    }

    /** The figures as one line of words, for an agent to answer over a channel; see {@link #parse}. */
    public String toWords() {
        return activeBytes + " " + directMemory + " " + hugeAllocations + " " + chunkSize;
    }

    /** Reads {@link #toWords()} back from {@code words}, starting at {@code from}. */
    public static PoolMetrics parse(String[] words, int from) {
        return new PoolMetrics(
                Long.parseLong(words[from]),
                Long.parseLong(words[from + 1]),
                Long.parseLong(words[from + 2]),
                Long.parseLong(words[from + 3]));
    }

    private static PooledByteBufAllocator pool(Conduit runtime) {
        try {
            Field core = Conduit.class.getDeclaredField("core");
            core.setAccessible(true);
            return ((RuntimeCore) core.get(runtime)).pooledAllocator();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the buffer pool of " + runtime, e);
        }
    }
}
