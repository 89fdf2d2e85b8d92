package dev.conduit.ipc.queue.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Wake-ups between writers and parked readers of one runtime, per queue directory. A reader's poller that is about
 * to park registers with the {@link Signal} of each queue it reads, looks once more for records, and parks for at most
 * {@link QueuePoller#PARK_NANOS}; a writer of the same runtime, after committing, wakes whoever is registered. Writers
 * in other processes cannot reach it, so a parked reader also looks on its own every {@link QueuePoller#PARK_NANOS}.
 *
 * <p>The writer's check is one volatile read per append and takes no fence after the commit, so a reader that
 * registers in the same instant can miss its wake-up; the timed park bounds that delay too. A runtime resource.
 */
final class QueueSignals implements AutoCloseable {
    private final Map<Path, Signal> byDirectory = new ConcurrentHashMap<>();

    /** The signal of the queue at {@code dir}. */
    Signal of(Path dir) {
        return byDirectory.computeIfAbsent(dir, d -> new Signal());
    }

    @Override
    public void close() {
        byDirectory.clear();
    }

    /** One queue's parked readers. Thread-safe. */
    static final class Signal {
        private final Set<Thread> parked = ConcurrentHashMap.newKeySet();
        private volatile boolean any;

        /** Registers {@code thread} as about to park; it must look for records after this, then park. */
        void parking(Thread thread) {
            parked.add(thread);
            any = true;
        }

        /** {@code thread} stopped waiting. */
        void awake(Thread thread) {
            parked.remove(thread);
            if (parked.isEmpty()) {
                any = false;
                if (!parked.isEmpty()) {
                    any = true; // registered in between: keep it wakeable
                }
            }
        }

        /** After a commit: wakes the parked readers, if any. */
        void wake() {
            if (any) {
                for (Thread t : parked) {
                    LockSupport.unpark(t);
                }
            }
        }
    }
}
