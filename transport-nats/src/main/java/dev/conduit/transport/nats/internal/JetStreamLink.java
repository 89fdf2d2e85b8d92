package dev.conduit.transport.nats.internal;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.ConduitException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.Property;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.WriteCallback;
import dev.conduit.transport.nats.NatsStreams;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's view of a JetStream stream: {@code send} publishes to the stream's subject and completes on
 * JetStream's publish ack (the message is stored, on every replica the stream asks for); with a named reader, a thread
 * of the runtime pulls from the reader's durable consumer (a bounded batch ahead, none while the runtime pauses
 * reading) and acks each message once the runtime reports it delivered.
 *
 * <p>Acks go out in delivery order, each one when the next message is delivered, and the last one synchronously when
 * the channel closes: so the consumer's ack floor is the reader's stored position, and a reader's next channel, which
 * starts there ({@link JetStreamSetup#reader}), resumes right after the last message the application had.
 *
 * <p>Thread-safe as {@link Link} requires. Reading and closing a reading link happen on its reader thread.
 */
final class JetStreamLink implements Link {
    private static final Logger log = LoggerFactory.getLogger(JetStreamLink.class);

    /** Messages pulled ahead of delivery at most. */
    private static final int BATCH = 64;
    /** How long the reader thread waits for a message before it looks at its flags again. */
    private static final Duration POLL = Duration.ofMillis(50);
    /** How long the last ack of a closing reader may take. */
    private static final Duration LAST_ACK_TIMEOUT = Duration.ofSeconds(5);

    private final Endpoint endpoint;
    private final StreamSettings settings;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final PublishOptions publishOptions;
    private final int maxPayload;
    private final int maxFrame;
    private final @Nullable ConsumerContext consumer;
    private final @Nullable ReaderLock lock;
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    /** Passed to the listener, not reported delivered yet; oldest first. */
    private final ConcurrentLinkedQueue<Message> undelivered = new ConcurrentLinkedQueue<>();
    /** The last message reported delivered, not acked yet: acked when the next one is, or at close. */
    private final AtomicReference<@Nullable Message> unacked = new AtomicReference<>();

    private volatile long nextIndex;
    private volatile boolean paused;
    private volatile @Nullable Thread reader;
    private volatile @Nullable LinkListener listener;

    JetStreamLink(
            Endpoint endpoint,
            StreamSettings settings,
            JetStream js,
            JetStreamManagement jsm,
            int maxPayload,
            int maxFrame,
            @Nullable ConsumerContext consumer,
            @Nullable ReaderLock lock,
            long nextIndex) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.js = js;
        this.jsm = jsm;
        this.publishOptions =
                PublishOptions.builder().expectedStream(settings.stream()).build();
        this.maxPayload = maxPayload;
        this.maxFrame = maxFrame;
        this.consumer = consumer;
        this.lock = lock;
        this.nextIndex = nextIndex;
    }

    /** Attaches the runtime's listener and starts the reader thread, if this link reads. */
    void start(LinkListener l, ThreadFactory threads) {
        listener = l;
        ConsumerContext c = consumer;
        if (c != null) {
            Thread t = threads.newThread(() -> read(c, l));
            reader = t;
            t.start();
        }
    }

    @Override
    public Endpoint localEndpoint() {
        return endpoint;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return endpoint;
    }

    @Override
    public void write(ByteBuf frame, WriteCallback callback) {
        byte[] body = ByteBufUtil.getBytes(frame);
        frame.release();
        if (closeRequested.get()) {
            callback.writeComplete(new ChannelClosedException(CloseReason.LOCAL));
            return;
        }
        if (body.length > maxPayload) {
            callback.writeComplete(
                    new FrameTooLargeException(body.length, maxPayload, "message", "the NATS server's max_payload"));
            return;
        }
        CompletableFuture<PublishAck> ack;
        try {
            ack = js.publishAsync(settings.subject(), body, publishOptions);
        } catch (RuntimeException e) {
            callback.writeComplete(new ConduitException(
                    "stream " + settings.stream() + " of " + endpoint + " did not take the message: " + e.getMessage(),
                    e));
            return;
        }
        ack.whenComplete((a, e) -> callback.writeComplete(
                e == null
                        ? null
                        : new ConduitException(
                                "stream " + settings.stream() + " of " + endpoint + " did not acknowledge the message"
                                        + " (it may or may not be stored): " + NatsTransport.reason(e),
                                NatsTransport.unwrap(e))));
    }

    @Override
    public boolean reportsDelivery() {
        return consumer != null;
    }

    @Override
    public void delivered() {
        Message m = undelivered.poll();
        if (m == null) {
            return;
        }
        nextIndex = m.metaData().streamSequence() + 1;
        Message previous = unacked.getAndSet(m);
        if (previous != null) {
            previous.ack();
        }
    }

    @Override
    public @Nullable String receiveRefusal() {
        return consumer != null
                ? null
                : "cannot receive from stream " + settings.stream() + ": this channel has no reader and only appends;"
                        + " add ?reader=NAME to read";
    }

    @Override
    public void setReadPaused(boolean p) {
        paused = p;
        Thread t = reader;
        if (!p && t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public <V> @Nullable V property(Property<V> key) {
        if (key == NatsStreams.READER_INDEX && consumer != null) {
            return key.type().cast(nextIndex);
        }
        if (key == NatsStreams.NEXT_INDEX) {
            try {
                return key.type()
                        .cast(jsm.getStreamInfo(settings.stream())
                                        .getStreamState()
                                        .getLastSequence()
                                + 1);
            } catch (Exception e) {
                log.debug("{}: no stream info: {}", this, e.toString());
                return null;
            }
        }
        return null;
    }

    private void read(ConsumerContext c, LinkListener l) {
        CloseReason reason = CloseReason.LOCAL;
        IterableConsumer messages = null;
        try {
            messages = c.iterate(ConsumeOptions.builder().batchSize(BATCH).build());
            while (!closeRequested.get()) {
                if (paused) {
                    LockSupport.parkNanos(this, POLL.toNanos());
                    continue;
                }
                Message m = messages.nextMessage(POLL);
                if (m == null || closeRequested.get()) {
                    continue;
                }
                byte[] data = m.getData() == null ? new byte[0] : m.getData();
                if (data.length > maxFrame) {
                    reason = CloseReason.error(new FrameTooLargeException(
                            data.length,
                            maxFrame,
                            "message " + m.metaData().streamSequence() + " of stream " + settings.stream()));
                    break;
                }
                undelivered.add(m);
                l.onFrame(ByteBuffer.wrap(data));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            reason = CloseReason.error(new ConduitException(
                    "reading stream " + settings.stream() + " with reader '" + settings.reader() + "' failed: "
                            + e.getMessage(),
                    e));
        } finally {
            closeRequested.set(true);
            if (messages != null) {
                stop(messages);
            }
            ackLast();
            releaseLock();
            l.onClosed(reason);
        }
    }

    private static void stop(IterableConsumer messages) {
        try {
            messages.close();
        } catch (Exception e) {
            log.debug("stopping a JetStream consumer: {}", e.toString());
        }
    }

    /** Acks the last delivered message and waits for JetStream to have it, so that a next channel starts after it. */
    private void ackLast() {
        Message last = unacked.getAndSet(null);
        if (last == null) {
            return;
        }
        try {
            last.ackSync(LAST_ACK_TIMEOUT);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // Not stored: the reader's next channel gets that message again (at least once).
            log.debug("{}: the last ack was not confirmed: {}", this, e.toString());
        }
    }

    private void releaseLock() {
        ReaderLock l = lock;
        if (l != null) {
            l.release();
        }
    }

    @Override
    public void close() {
        if (!closeRequested.compareAndSet(false, true)) {
            return;
        }
        Thread t = reader;
        if (t != null) {
            LockSupport.unpark(t); // it acks, lets the reader go and reports the close
            return;
        }
        LinkListener l = listener;
        if (l != null) {
            l.onClosed(CloseReason.LOCAL);
        }
    }

    @Override
    public String toString() {
        return "nats-stream(" + endpoint + ")";
    }
}
