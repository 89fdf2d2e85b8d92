package dev.conduit.transport.nats.internal;

import dev.conduit.core.ConduitException;
import dev.conduit.core.spi.TransportContext;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NATS connection of a runtime, shared by every session and listener whose endpoints name the same servers and
 * login: its session subjects ({@code _INBOX.<nuid>.<session id>}), the one dispatcher thread that delivers their
 * messages in order, and the ticker that sends heartbeats and ends silent sessions.
 *
 * <p>Thread-safe. Closed by {@link NatsConnections} when the runtime closes, after every channel and listener.
 */
final class NatsClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NatsClient.class);

    /** How often sessions are checked for heartbeats to send and peers gone silent. */
    static final Duration TICK = Duration.ofMillis(50);

    private final Connection connection;
    private final NatsTarget.ConnectionKey key;
    private final String inboxPrefix;
    private final Dispatcher dispatcher;
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledFuture<?> ticker;
    private final TransportContext context;
    private final ExecutorService pool;

    private NatsClient(
            Connection connection, NatsTarget.ConnectionKey key, TransportContext context, ExecutorService pool) {
        this.connection = connection;
        this.key = key;
        this.context = context;
        this.pool = pool;
        this.inboxPrefix = connection.createInbox();
        this.dispatcher = connection.createDispatcher();
        Subscription sub = dispatcher.subscribe(inboxPrefix + ".*", this::onSessionMessage);
        // Credit keeps each session's messages in flight small; these bounds are only a last resort, and a drop
        // they cause is seen as a gap by the session it hits.
        ((Consumer) sub).setPendingLimits(1 << 20, 256L << 20);
        this.ticker = context.scheduler()
                .scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Connects on a thread of {@code pool}; the future fails with the client's reason if no server takes us, at once
     * when a server refuses the login (the NATS client itself waits out its per-server timeout, which the pool's
     * thread then does alone; a connection that comes up after the future failed is closed).
     */
    static CompletableFuture<NatsClient> connect(
            NatsTarget target, Duration timeout, TransportContext context, ExecutorService pool) {
        NatsTarget.ConnectionKey key = target.connectionKey();
        CompletableFuture<NatsClient> result = new CompletableFuture<>();
        Options options = NatsLogin.options(target, timeout, context, pool)
                .connectionListener(NatsClient::connectionEvent)
                .errorListener(new ErrorLogger(key, result))
                .build();
        pool.execute(() -> {
            Connection connection;
            try {
                connection = Nats.connect(options);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                result.completeExceptionally(
                        new ConduitException("no NATS server of " + key + " took the connection: " + why, e));
                return;
            }
            NatsClient client = new NatsClient(connection, key, context, pool);
            if (!result.complete(client)) {
                client.closeQuietly();
            }
        });
        return result;
    }

    /** The NATS client's own connection, for JetStream and listeners. */
    Connection connection() {
        return connection;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    TransportContext context() {
        return context;
    }

    ExecutorService pool() {
        return pool;
    }

    /** The largest NATS message the server takes, in bytes. */
    int maxPayload() {
        return (int) Math.min(Integer.MAX_VALUE, connection.getMaxPayload());
    }

    /** Whether the connection is up now (not reconnecting, not closed). */
    boolean isConnected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    /** A new session subject and id; the session registers itself with {@link #register}. */
    long newSessionId() {
        return ids.incrementAndGet();
    }

    String sessionSubject(long id) {
        return inboxPrefix + "." + id;
    }

    void register(Session session) {
        sessions.put(session.id(), session);
    }

    void remove(Session session) {
        sessions.remove(session.id(), session);
    }

    /**
     * Publishes, or returns false if the connection is closed. While it reconnects, the NATS client keeps messages in
     * its reconnect buffer; one beyond that buffer is lost, which the sessions' sequence numbers then reveal.
     */
    boolean publish(String subject, @Nullable String replyTo, byte[] body) {
        try {
            connection.publish(subject, replyTo, body);
            return true;
        } catch (IllegalStateException e) {
            log.debug("cannot publish to {}: {}", subject, e.getMessage());
            return false;
        }
    }

    private void onSessionMessage(Message m) {
        String subject = m.getSubject();
        long id;
        try {
            id = Long.parseLong(subject, subject.lastIndexOf('.') + 1, subject.length(), 10);
        } catch (NumberFormatException e) {
            return;
        }
        Session s = sessions.get(id);
        if (s == null) {
            return; // a late message for a session that has ended
        }
        if (m.isStatusMessage()) {
            if (m.getStatus().getCode() == 503) {
                s.noResponders();
            }
            return;
        }
        // What the handlers send while this message is delivered leaves together when it returns.
        HeldWrites delivering = HeldWrites.begin();
        try {
            s.onMessage(m.getData(), m.getReplyTo());
        } finally {
            delivering.end();
        }
    }

    private void tick() {
        long now = System.nanoTime();
        for (Session s : sessions.values()) {
            try {
                s.tick(now);
            } catch (RuntimeException e) {
                log.warn("heartbeat of {} failed", s, e);
            }
        }
    }

    /** A subscription on this connection's dispatcher, for listeners and watchers. */
    Subscription subscribe(String subject, @Nullable String queue, MessageHandler handler) {
        return queue == null ? dispatcher.subscribe(subject, handler) : dispatcher.subscribe(subject, queue, handler);
    }

    void unsubscribe(Subscription subscription) {
        try {
            dispatcher.unsubscribe(subscription);
        } catch (IllegalStateException e) {
            // The connection is closed, and the subscription with it.
        }
    }

    /** Waits until the server has seen everything sent so far (subscriptions included). */
    void flush(Duration timeout) {
        try {
            connection.flush(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConduitException("interrupted while waiting for the NATS server of " + key);
        } catch (Exception e) {
            throw new ConduitException("the NATS server of " + key + " did not answer within " + timeout.toMillis()
                    + " ms: " + e.getMessage());
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        ticker.cancel(false);
        ConduitException gone = new ConduitException("the runtime closed the NATS connection to " + key);
        for (Session s : List.copyOf(sessions.values())) {
            s.fail(gone);
        }
        connection.close();
    }

    @Override
    public String toString() {
        return "nats-connection(" + key + ")";
    }

    private static void connectionEvent(Connection c, ConnectionListener.Events event) {
        switch (event) {
            case DISCONNECTED, RECONNECTED, LAME_DUCK ->
                log.info("NATS connection {} (server {})", event.getEvent(), c.getConnectedUrl());
            default -> log.debug("NATS connection {}", event.getEvent());
        }
    }

    /**
     * Logs what the NATS client reports, without secrets (it never sees our endpoints' text), and fails a connect
     * that is still under way when the server refuses the login.
     */
    private static final class ErrorLogger implements ErrorListener {
        private final NatsTarget.ConnectionKey key;
        private final CompletableFuture<NatsClient> connecting;

        ErrorLogger(NatsTarget.ConnectionKey key, CompletableFuture<NatsClient> connecting) {
            this.key = key;
            this.connecting = connecting;
        }

        @Override
        public void errorOccurred(Connection conn, String error) {
            String lower = error.toLowerCase(java.util.Locale.ROOT);
            boolean login = lower.contains("authorization") || lower.contains("authentication");
            if (login
                    && connecting.completeExceptionally(
                            new ConduitException("the NATS server of " + key + " refused the login: " + error))) {
                return;
            }
            log.warn("NATS server reports: {}", error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception e) {
            log.debug("NATS client: {}", e.toString());
        }

        @Override
        public void slowConsumerDetected(Connection conn, Consumer consumer) {
            log.warn("NATS client dropped messages for a slow consumer; the sessions that lost some will close");
        }
    }
}
