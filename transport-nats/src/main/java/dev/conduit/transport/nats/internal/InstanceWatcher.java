package dev.conduit.transport.nats.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.InstanceWatch;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.transport.nats.NatsOptions;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The listening instances of a subject, as their {@link Presence} announcements tell: each becomes an endpoint with
 * {@code ?instance=<id>}. An instance that says it is gone, or is not heard from for {@link Presence#FORGET_AFTER},
 * leaves the list; while none is known the list is the subject's own endpoint (a connect then reaches whichever
 * instance NATS picks, or fails as usual).
 *
 * <p>Thread-safe; changes are reported one at a time, under {@link #lock}.
 */
final class InstanceWatcher implements InstanceWatch {
    private static final Duration CHECK_EVERY = Duration.ofMillis(250);

    private final NatsTarget target;
    private final Endpoint endpoint;
    private final Consumer<List<Endpoint>> onChange;
    private final ReentrantLock lock = new ReentrantLock();
    /** Instance id to when it was last heard from (nanoTime); sorted, so that the list comes in a stable order. */
    private final Map<String, Long> seen = new TreeMap<>();

    private final ScheduledFuture<?> ticker;
    private final Supplier<CompletableFuture<NatsClient>> connection;
    private @Nullable CompletableFuture<?> attaching;
    private List<Endpoint> reported;
    private @Nullable NatsClient client;
    private @Nullable Subscription subscription;
    private boolean closed;

    private InstanceWatcher(
            NatsTarget target,
            Endpoint endpoint,
            Consumer<List<Endpoint>> onChange,
            TransportContext context,
            Supplier<CompletableFuture<NatsClient>> connection) {
        this.target = target;
        this.endpoint = endpoint;
        this.onChange = onChange;
        this.connection = connection;
        this.reported = List.of(endpoint);
        long every = CHECK_EVERY.toMillis();
        this.ticker = context.scheduler().scheduleWithFixedDelay(this::expire, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Reports {@code [endpoint]} at once, then the instances as the connection brings their announcements; a connection that cannot be
     * made is tried again on the next check.
     */
    static InstanceWatcher start(
            NatsTarget target,
            Endpoint endpoint,
            Consumer<List<Endpoint>> onChange,
            TransportContext context,
            Supplier<CompletableFuture<NatsClient>> connection) {
        InstanceWatcher w = new InstanceWatcher(target, endpoint, onChange, context, connection);
        w.lock.lock();
        try {
            onChange.accept(w.reported);
            w.attaching = connection.get().thenAccept(w::attach);
        } finally {
            w.lock.unlock();
        }
        return w;
    }

    private void attach(NatsClient c) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            client = c;
            subscription = c.subscribe(Presence.hereSubject(target.subject()), null, this::onAnnouncement);
        } finally {
            lock.unlock();
        }
        // Every instance answers at once; the subscription above is on the server before this message is.
        c.publish(Presence.whoSubject(target.subject()), null, new byte[] {'?'});
    }

    private void onAnnouncement(Message m) {
        Presence.Announcement a = Presence.Announcement.parse(m.getData());
        if (a == null) {
            return;
        }
        lock.lock();
        try {
            if (a.here()) {
                seen.put(a.instance(), System.nanoTime());
            } else {
                seen.remove(a.instance());
            }
            report();
        } finally {
            lock.unlock();
        }
    }

    private void expire() {
        long now = System.nanoTime();
        lock.lock();
        try {
            if (client == null && !closed && attaching != null && attaching.isCompletedExceptionally()) {
                attaching = connection.get().thenAccept(this::attach);
            }
            seen.values().removeIf(last -> now - last > Presence.FORGET_AFTER.toNanos());
            report();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: tells the watcher if the list changed. */
    private void report() {
        if (closed) {
            return;
        }
        List<Endpoint> now = new ArrayList<>();
        for (String id : seen.keySet()) {
            now.add(endpoint.with(NatsOptions.INSTANCE, id));
        }
        if (now.isEmpty()) {
            now.add(endpoint);
        }
        if (!now.equals(reported)) {
            reported = List.copyOf(now);
            onChange.accept(reported);
        }
    }

    @Override
    public List<Endpoint> instances() {
        lock.lock();
        try {
            return reported;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        NatsClient c;
        Subscription s;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            c = client;
            s = subscription;
        } finally {
            lock.unlock();
        }
        ticker.cancel(false);
        if (c != null && s != null) {
            c.unsubscribe(s);
        }
    }

    @Override
    public String toString() {
        return "instances of " + endpoint;
    }
}
