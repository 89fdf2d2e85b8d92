package dev.conduit.ipc.pipe.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Hands a {@link ProcessBuilder} from {@link dev.conduit.ipc.Pipes#spawn} to the transport through the endpoint's
 * {@code spawn} option: a process-local, single-use handle, so that everything the builder says (environment,
 * directory, redirects) reaches the transport, which only sees the endpoint.
 */
public final class SpawnRequests {
    private static final Map<String, ProcessBuilder> PENDING = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    private SpawnRequests() {}

    /** Registers {@code builder}; returns its handle. */
    public static String register(ProcessBuilder builder) {
        String handle = NEXT.incrementAndGet() + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
        PENDING.put(handle, builder);
        return handle;
    }

    /** Takes the builder of {@code handle}, once; null if unknown or already taken. */
    static @Nullable ProcessBuilder take(String handle) {
        return PENDING.remove(handle);
    }

    /** Forgets {@code handle} if it was not taken (the connect failed before reaching the transport). */
    public static void discard(String handle) {
        PENDING.remove(handle);
    }
}
