package dev.conduit.transport.socket.internal;

import dev.conduit.transport.socket.ConnectionState;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells state listeners about changes one at a time and in order, from whichever thread reports a change, without
 * holding a lock while they run: the thread that finds the queue idle drains it (others only enqueue).
 */
final class SerialNotifier {
    private static final Logger log = LoggerFactory.getLogger(SerialNotifier.class);

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
    /** The last state told to listeners; only touched by the draining thread. */
    private ConnectionState told;

    SerialNotifier(ConnectionState initial) {
        this.told = initial;
    }

    void changed(ConnectionState state) {
        run(() -> {
            told = state;
            for (Consumer<ConnectionState> l : listeners) {
                tell(l, state);
            }
        });
    }

    void add(Consumer<ConnectionState> listener) {
        run(() -> {
            listeners.add(listener);
            tell(listener, told);
        });
    }

    private static void tell(Consumer<ConnectionState> l, ConnectionState state) {
        try {
            l.accept(state);
        } catch (RuntimeException e) {
            log.warn("reconnection state listener failed on {}", state, e);
        }
    }

    private void run(Runnable task) {
        tasks.add(task);
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            Runnable t;
            while ((t = tasks.poll()) != null) {
                t.run();
            }
        } while (wip.decrementAndGet() != 0);
    }
}
