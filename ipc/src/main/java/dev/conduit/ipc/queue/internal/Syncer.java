package dev.conduit.ipc.queue.internal;

import dev.conduit.core.ConduitException;
import dev.conduit.core.spi.WriteCallback;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's thread that makes appends durable ({@code conduit-<runtime>-queue-sync-1}), started on first use.
 *
 * <ul>
 *   <li>{@code sync=always}: each send waits here ({@link #syncThen}) until an {@code fsync} of its segment has
 *       returned. The thread takes every request waiting, syncs each segment they name once, and completes them all:
 *       concurrent sends share one {@code fsync}.
 *   <li>{@code sync=batch}: writers flag that they appended ({@link #appended}); every {@value #BATCH_MILLIS} ms the
 *       thread syncs the segments flagged writers appended to since the last round.
 * </ul>
 *
 * {@code fsync} through a file channel of its own writes the pages that writers changed through their mappings, so
 * this thread never touches a mapping. Closed with the runtime: waiting sends are synced first.
 */
final class Syncer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Syncer.class);
    static final long BATCH_MILLIS = 5;

    /** A send waiting for its segment to be synced. */
    private record Request(QueueDirectory dir, long segment, WriteCallback callback) {}

    /** What a {@code sync=batch} writer appended since the last round. */
    static final class Dirty {
        final QueueDirectory dir;
        volatile boolean appended;
        volatile boolean closing;
        volatile long lastSegment = -1;
        long syncedUpTo = -1;

        Dirty(QueueDirectory dir) {
            this.dir = dir;
        }
    }

    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Set<Dirty> batched = ConcurrentHashMap.newKeySet();
    private final Map<Path, FileChannel> open = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    Syncer(ThreadFactory threads) {
        thread = threads.newThread(this::run);
        thread.start();
    }

    /** Completes {@code callback} once segment {@code segment} of {@code dir} has been synced. */
    void syncThen(QueueDirectory dir, long segment, WriteCallback callback) {
        requests.add(new Request(dir, segment, callback));
    }

    /** Registers a {@code sync=batch} writer's flags; {@link #forget} them when it closes. */
    Dirty register(QueueDirectory dir) {
        Dirty d = new Dirty(dir);
        batched.add(d);
        return d;
    }

    void forget(Dirty d) {
        d.closing = true; // synced once more, then dropped
        d.appended = true;
    }

    /** A {@code sync=batch} writer appended to {@code segment}; cheap when called for every message. */
    static void appended(Dirty d, long segment) {
        if (d.lastSegment != segment) {
            d.lastSegment = segment;
        }
        if (!d.appended) {
            d.appended = true;
        }
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        while (running || !requests.isEmpty()) {
            try {
                Request first = requests.poll(BATCH_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    requests.drainTo(batch);
                    syncRequests(batch);
                    batch.clear();
                }
                syncBatched();
            } catch (InterruptedException e) {
                running = false;
            } catch (RuntimeException e) {
                log.error("queue sync thread failed a round", e);
            }
        }
        syncBatched();
        closeChannels();
    }

    private void syncRequests(List<Request> batch) {
        Map<Path, IOException> done = new HashMap<>();
        for (Request r : batch) {
            Path file = r.dir().segmentPath(r.segment());
            if (!done.containsKey(file)) {
                done.put(file, force(file));
            }
        }
        for (Request r : batch) {
            IOException failure = done.get(r.dir().segmentPath(r.segment()));
            r.callback()
                    .writeComplete(
                            failure == null
                                    ? null
                                    : new ConduitException(
                                            "the append to " + r.dir() + " could not be synced: " + failure, failure));
        }
    }

    /** One {@code sync=batch} round; returns the segment files it synced (for tests). */
    List<Path> syncBatched() {
        List<Path> synced = new ArrayList<>();
        for (Iterator<Dirty> it = batched.iterator(); it.hasNext(); ) {
            Dirty d = it.next();
            if (!d.appended) {
                continue;
            }
            if (d.closing) {
                it.remove();
            }
            d.appended = false;
            long last = d.lastSegment;
            // From the last segment synced (appended to since, maybe) or the one before the last (filled since,
            // maybe), but never below segment 0: a writer's first round must sync segment 0 too.
            for (long s = Math.max(0, Math.max(d.syncedUpTo, last - 1)); s <= last; s++) {
                Path file = d.dir.segmentPath(s);
                IOException e = force(file);
                if (e != null) {
                    log.warn("could not sync {} (sync=batch): {}", file, e.toString());
                } else {
                    synced.add(file);
                }
            }
            d.syncedUpTo = last;
            closeBefore(d.dir, last - 1);
        }
        return synced;
    }

    private IOException force(Path file) {
        try {
            FileChannel channel = open.get(file);
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.READ);
                open.put(file, channel);
            }
            channel.force(false);
            return null;
        } catch (IOException e) {
            FileChannel stale = open.remove(file);
            closeQuietly(stale);
            return e;
        }
    }

    /** Closes this thread's channels of segments of {@code dir} before {@code segment}: they are full and synced. */
    private void closeBefore(QueueDirectory dir, long segment) {
        for (Iterator<Map.Entry<Path, FileChannel>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, FileChannel> e = it.next();
            Path file = e.getKey();
            if (file.getParent().equals(dir.path()) && file.compareTo(dir.segmentPath(segment)) < 0) {
                closeQuietly(e.getValue());
                it.remove();
            }
        }
    }

    private void closeChannels() {
        open.values().forEach(Syncer::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only channel: nothing was buffered
        }
    }

    /** Syncs what waits, then ends the thread (within a round) and waits for it. */
    @Override
    public void close() {
        // No interrupt: it would close the channel of an fsync under way (FileChannel is interruptible), and the
        // waiting sends this close promises to sync would fail instead.
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
