package dev.conduit.transport.nats.internal;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.WriteCallback;
import dev.conduit.transport.nats.NatsSessionException;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One Conduit channel over core NATS: a session between two session subjects, with sequence numbers (a gap closes
 * it: messages may have been lost), credit-based flow control ({@link Outbound}, {@link Inbound}) and heartbeats (a
 * silent peer closes it within {@code heartbeatTimeout}). The wire format is {@link Wire}'s.
 *
 * <p>Thread-safe. Messages arrive on the NATS connection's dispatcher thread, one at a time; heartbeats and timeouts
 * come from {@link NatsClient}'s ticker.
 */
final class Session implements Link, Inbound.Session {
    private final NatsClient client;
    private final long id;
    private final String subject;
    private final Endpoint local;
    private final Endpoint remote;
    private final SessionSettings settings;
    private final Outbound out;
    private final Inbound in;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The client side's handshake: completes once the listener accepted, and the link is bound. */
    private final @Nullable CompletableFuture<Void> opening;

    private final @Nullable LinkBinder binder;
    /** The client side's target, which its connect errors name. */
    private final @Nullable NatsTarget target;

    private volatile boolean open;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long peerTimeoutNanos;
    /** Dispatcher thread only: the last DATA or PART sequence number received. */
    private long received;

    private Session(
            NatsClient client,
            @Nullable Endpoint local,
            Endpoint remote,
            SessionSettings settings,
            LinkConfig config,
            @Nullable NatsTarget target,
            @Nullable LinkBinder binder) {
        this.client = client;
        this.target = target;
        this.id = client.newSessionId();
        this.subject = client.sessionSubject(id);
        // A client's own end is its session subject.
        this.local = local != null ? local : remote.withAddress(remote.address().replaceFirst("/.*", "/" + subject));
        this.remote = remote;
        this.settings = settings;
        this.binder = binder;
        this.opening = binder == null ? null : new CompletableFuture<>();
        this.in = new Inbound(this, settings.window(), config.maxFrame());
        int maxChunk = Math.min(Math.min(64 << 10, settings.window() / 2), client.maxPayload() - Wire.HEADER - 64);
        this.out = new Outbound(client::publish, in::grant, maxChunk);
        this.peerTimeoutNanos = settings.heartbeatTimeout().toNanos();
    }

    /**
     * A client's session: sends OPEN to {@code openSubject} and completes once a listener accepts it and {@code
     * binder} has the link. Fails with {@link ConnectFailedException} naming {@code target} if nobody listens or the
     * listener refuses.
     */
    static CompletableFuture<Void> open(
            NatsClient client,
            NatsTarget target,
            String openSubject,
            SessionSettings settings,
            LinkConfig config,
            LinkBinder binder) {
        Endpoint remote = Endpoint.of("nats", target.serverList() + "/" + target.subject());
        Session s = new Session(client, null, remote, settings, config, target, binder);
        CompletableFuture<Void> opening = s.opening;
        client.register(s);
        opening.whenComplete((v, e) -> {
            if (e != null) {
                s.abandon(); // timed out, or refused: an ACCEPT that comes later is answered with CLOSE
            }
        });
        byte[] hello = Wire.handshake(Wire.OPEN, settings.window(), settings.heartbeatMillis());
        if (!client.isConnected()) {
            opening.completeExceptionally(connectFailed(target, "the NATS connection is down (reconnecting)"));
        } else if (!client.publish(openSubject, s.subject, hello)) {
            opening.completeExceptionally(connectFailed(target, "the NATS connection is closed"));
        }
        return opening;
    }

    /**
     * A listener's session for an OPEN from {@code peerSubject}: binds it with {@code binder}, then answers ACCEPT
     * (before anything the new channel sends).
     */
    static void accept(
            NatsClient client,
            NatsTarget listening,
            Endpoint local,
            String peerSubject,
            Wire.Handshake hello,
            SessionSettings settings,
            LinkConfig config,
            LinkBinder binder) {
        Endpoint remote = Endpoint.of("nats", listening.serverList() + "/" + peerSubject);
        Session s = new Session(client, local, remote, settings, config, null, null);
        s.peerHeartbeat(hello.heartbeatMillis());
        client.register(s);
        s.open = true;
        s.in.bind(binder.bind(s));
        byte[] accept = Wire.handshake(Wire.ACCEPT, settings.window(), settings.heartbeatMillis());
        s.out.open(peerSubject, hello.window(), accept, s.subject);
    }

    long id() {
        return id;
    }

    // ---------------------------------------------------------------- from the NATS connection

    /** A message on this session's subject. Dispatcher thread. */
    void onMessage(byte[] m, @Nullable String replyTo) {
        if (m.length == 0 || closed.get()) {
            return;
        }
        lastHeardNanos = System.nanoTime();
        if (!open) {
            handshake(m, replyTo);
            return;
        }
        if (m.length < Wire.HEADER) {
            fail(new NatsSessionException(this + " got a message of " + m.length + " bytes, shorter than a header"));
            return;
        }
        byte type = m[0];
        long seq = Wire.seq(m);
        boolean data = type == Wire.DATA || type == Wire.PART;
        long expected = data ? received + 1 : received;
        if (seq != expected) {
            fail(new NatsSessionException("messages may have been lost on " + this + ": expected message " + expected
                    + " from the peer, got " + seq + " (a NATS server restart, a reconnect or a slow-consumer drop)"));
            return;
        }
        received = seq;
        out.granted(Wire.grant(m));
        if (data || type == Wire.CLOSE) {
            in.add(m);
        }
    }

    /** The client's OPEN: ACCEPT or REFUSE. */
    private void handshake(byte[] m, @Nullable String replyTo) {
        CompletableFuture<Void> f = opening;
        if (f == null || binder == null) {
            return;
        }
        if (m[0] == Wire.REFUSE) {
            f.completeExceptionally(connectFailed(target, "the listener refused: " + Wire.refusalReason(m)));
            return;
        }
        if (m[0] != Wire.ACCEPT || replyTo == null) {
            f.completeExceptionally(connectFailed(
                    target,
                    "the peer answered OPEN with message type " + m[0] + "; expected a Conduit listener's ACCEPT"));
            return;
        }
        Wire.Handshake hello;
        try {
            hello = Wire.Handshake.parse(m);
        } catch (IllegalArgumentException e) {
            f.completeExceptionally(connectFailed(target, e.getMessage()));
            return;
        }
        if (f.isDone()) {
            // The connect gave up already: tell the listener's session.
            client.publish(replyTo, null, Wire.close(0, in.grant(), true, "the client gave up on connecting"));
            return;
        }
        peerHeartbeat(hello.heartbeatMillis());
        open = true;
        out.open(replyTo, hello.window(), null, null);
        in.bind(binder.bind(this));
        f.complete(null);
    }

    /** NATS says nobody listens on the subject the OPEN went to. */
    void noResponders() {
        CompletableFuture<Void> f = opening;
        if (f != null && !open) {
            f.completeExceptionally(connectFailed(
                    target,
                    "nothing listens on subject '" + (target == null ? "" : target.subject())
                            + "' (NATS has no responders)"));
        }
    }

    /** Heartbeat and liveness, from the ticker. */
    void tick(long now) {
        if (!open || closed.get()) {
            return;
        }
        out.publishHeld(); // what a handler that runs on has sent waits at most one tick
        if (now - lastHeardNanos > peerTimeoutNanos) {
            fail(new NatsSessionException("no word from the peer of " + this + " for "
                    + TimeUnit.NANOSECONDS.toMillis(now - lastHeardNanos) + " ms (heartbeatTimeout="
                    + TimeUnit.NANOSECONDS.toMillis(peerTimeoutNanos) + "ms): its process or its path through NATS"
                    + " is gone; messages may have been lost"));
        } else if (now - out.lastSentNanos() >= settings.heartbeat().toNanos()) {
            out.ping();
        }
    }

    private void peerHeartbeat(int peerMillis) {
        // A peer that beats slower than we expect gets at least three of its beats.
        peerTimeoutNanos =
                Math.max(settings.heartbeatTimeout().toNanos(), TimeUnit.MILLISECONDS.toNanos(3L * peerMillis));
    }

    // ---------------------------------------------------------------- Inbound.Session

    @Override
    public void grantMoved() {
        out.ping();
    }

    @Override
    public void peerClosed(@Nullable String error) {
        CloseReason reason = error == null
                ? CloseReason.PEER
                : CloseReason.error(new NatsSessionException("the peer closed on an error: " + error));
        end(reason, false, "closed by peer");
    }

    @Override
    public void failed(RuntimeException e) {
        fail(e);
    }

    /** Closes on an error, telling the peer why. */
    void fail(Throwable e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        end(CloseReason.error(e), true, why);
    }

    // ---------------------------------------------------------------- Link

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return remote;
    }

    @Override
    public void write(ByteBuf frame, WriteCallback callback) {
        out.write(frame, callback);
    }

    @Override
    public boolean writeNow(ByteBuf frame) {
        return out.writeNow(frame);
    }

    @Override
    public void setReadPaused(boolean paused) {
        in.setPaused(paused);
    }

    @Override
    public void close() {
        end(CloseReason.LOCAL, false, "closed by peer");
    }

    private void end(CloseReason reason, boolean errorClose, String toPeer) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        client.remove(this);
        out.close(errorClose, toPeer, new ChannelClosedException(reason));
        in.close(reason);
    }

    /** The connect failed or gave up before the link was bound: forget the session. */
    private void abandon() {
        if (!open && closed.compareAndSet(false, true)) {
            client.remove(this);
        }
    }

    private static ConnectFailedException connectFailed(@Nullable NatsTarget target, String why) {
        return new ConnectFailedException(
                target == null ? "nats://" : target.endpoint().toString(), why, null);
    }

    @Override
    public String toString() {
        return "nats session " + subject + " (" + local + " <-> " + remote + ")";
    }
}
