package dev.conduit.transport.nats.internal;

import dev.conduit.core.ConduitException;
import dev.conduit.core.spi.TransportContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A runtime's NATS connections, one per set of servers and login, made on first use and closed with the runtime, and
 * the pool whose threads the NATS client runs on (its reader, writer and dispatchers), named like the runtime's own.
 *
 * <p>Thread-safe. A connection that failed to come up is forgotten, so the next use tries again.
 */
final class NatsConnections implements AutoCloseable {
    private static final String KEY = "nats:connections";

    private final TransportContext context;
    private final ThreadPoolExecutor pool;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<NatsTarget.ConnectionKey, CompletableFuture<NatsClient>> clients = new HashMap<>();
    private boolean closed;

    private NatsConnections(TransportContext context) {
        this.context = context;
        this.pool = new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), context.threadFactory("nats"));
    }

    /** The runtime's connections. */
    static NatsConnections of(TransportContext context) {
        return context.resource(KEY, () -> new NatsConnections(context));
    }

    /** The connection for {@code target}'s servers and login, connecting if there is none yet. */
    CompletableFuture<NatsClient> client(NatsTarget target, Duration connectTimeout) {
        NatsTarget.ConnectionKey key = target.connectionKey();
        CompletableFuture<NatsClient> f;
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new ConduitException("the runtime is closed"));
            }
            f = clients.get(key);
            if (f == null || f.isCompletedExceptionally()) {
                f = NatsClient.connect(target, connectTimeout, context, pool);
                clients.put(key, f);
            }
        } finally {
            lock.unlock();
        }
        return f;
    }

    @Override
    public void close() throws Exception {
        List<CompletableFuture<NatsClient>> all;
        lock.lock();
        try {
            closed = true;
            all = new ArrayList<>(clients.values());
            clients.clear();
        } finally {
            lock.unlock();
        }
        List<Exception> failures = new ArrayList<>();
        for (CompletableFuture<NatsClient> f : all) {
            try {
                f.get(30, TimeUnit.SECONDS).close();
            } catch (java.util.concurrent.ExecutionException e) {
                // never connected: nothing to close
            } catch (Exception e) {
                failures.add(e);
            }
        }
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            failures.add(new ConduitException("NATS client threads did not stop within 10 s"));
        }
        if (!failures.isEmpty()) {
            ConduitException e = new ConduitException("closing NATS connections failed", failures.get(0));
            failures.subList(1, failures.size()).forEach(e::addSuppressed);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "nats-connections(" + context.runtimeName() + ")";
    }
}
