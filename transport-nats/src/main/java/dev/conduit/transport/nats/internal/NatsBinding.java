package dev.conduit.transport.nats.internal;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.Subscription;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening instance on a subject: a member of the subject's queue group (so NATS hands each OPEN to one instance),
 * reachable directly on {@code _CONDUIT.I.<id>}, and announcing itself on the subject's presence subject so that
 * clients can list the instances ({@link Presence}).
 *
 * <p>Thread-safe. OPENs arrive on the NATS connection's dispatcher thread.
 */
final class NatsBinding implements Binding {
    private static final Logger log = LoggerFactory.getLogger(NatsBinding.class);

    /** The queue group every Conduit listener of a subject joins. */
    static final String QUEUE_GROUP = "conduit";

    private final NatsClient client;
    private final NatsTarget target;
    private final Endpoint endpoint;
    private final LinkConfig config;
    private final SessionSettings settings;
    private final LinkBinder binder;
    private final String instance = NUID.nextGlobal();
    private final Subscription group;
    private final Subscription direct;
    private final Subscription who;
    private final ScheduledFuture<?> announcer;
    private volatile boolean closed;

    private NatsBinding(
            NatsClient client, NatsTarget target, LinkConfig config, SessionSettings settings, LinkBinder binder) {
        this.client = client;
        this.target = target;
        this.endpoint = target.endpoint();
        this.config = config;
        this.settings = settings;
        this.binder = binder;
        this.group = client.subscribe(target.subject(), QUEUE_GROUP, this::onOpen);
        this.direct = client.subscribe(Presence.instanceSubject(instance), null, this::onOpen);
        this.who = client.subscribe(Presence.whoSubject(target.subject()), null, m -> announce(Presence.HERE));
        long every = Presence.ANNOUNCE_EVERY.toMillis();
        this.announcer = client.context()
                .scheduler()
                .scheduleWithFixedDelay(() -> announce(Presence.HERE), every, every, TimeUnit.MILLISECONDS);
    }

    /** Joins the queue group and waits until the server has the subscriptions, so that clients find it at once. */
    static NatsBinding bind(
            NatsClient client,
            NatsTarget target,
            LinkConfig config,
            SessionSettings settings,
            LinkBinder binder,
            Duration timeout) {
        NatsBinding b = new NatsBinding(client, target, config, settings, binder);
        try {
            client.flush(timeout);
        } catch (RuntimeException e) {
            b.close();
            throw new BindFailedException(target.endpoint().toString(), e.getMessage(), e);
        }
        b.announce(Presence.HERE);
        return b;
    }

    private void onOpen(Message m) {
        byte[] data = m.getData();
        String replyTo = m.getReplyTo();
        if (replyTo == null || data.length == 0 || data[0] != Wire.OPEN) {
            log.debug("{} ignored a message that is not an OPEN", this);
            return;
        }
        if (closed) {
            client.publish(replyTo, null, Wire.refuse("the listener is closing"));
            return;
        }
        Wire.Handshake hello;
        try {
            hello = Wire.Handshake.parse(data);
        } catch (IllegalArgumentException e) {
            client.publish(replyTo, null, Wire.refuse(e.getMessage()));
            return;
        }
        if (hello.version() != Wire.VERSION || hello.window() < 1024) {
            client.publish(
                    replyTo,
                    null,
                    Wire.refuse("version " + hello.version() + " with a window of " + hello.window()
                            + " bytes; this listener speaks version " + Wire.VERSION
                            + " and needs 1024 bytes or more"));
            return;
        }
        Session.accept(client, target, endpoint, replyTo, hello, settings, config, binder);
    }

    private void announce(String what) {
        client.publish(Presence.hereSubject(target.subject()), null, Presence.message(what, instance));
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        announcer.cancel(false);
        client.unsubscribe(group);
        client.unsubscribe(direct);
        client.unsubscribe(who);
        announce(Presence.GONE);
        try {
            // Once this returns, the server routes no OPEN here any more.
            client.flush(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.debug("{}: the NATS server did not confirm the unsubscribe: {}", this, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "nats-listener(" + endpoint + ", instance " + instance + ")";
    }
}
