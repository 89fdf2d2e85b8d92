package dev.conduit.ipc.queue.internal;

import dev.conduit.core.CloseReason;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Property;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.WriteCallback;
import dev.conduit.ipc.queue.Queues;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A channel's view of a queue: {@code send} appends ({@link QueueWriter}); with a named reader, the {@link
 * QueueReader} delivers from the reader's position on the runtime's {@link QueuePoller}, and the runtime's delivery
 * reports move that position. Without a reader the link only appends, and says so to {@code receive}.
 *
 * <p>Thread-safe as {@link Link} requires. Reading, and closing a link that reads, happen on the poller thread.
 */
final class QueueLink implements Link {
    private final Endpoint endpoint;
    private final String queue;
    private final QueueWriter writer;
    private final @Nullable QueueReader reader;
    private final @Nullable QueuePoller poller;
    private final QueueSignals.Signal signal;
    private final AtomicBoolean closeRequested = new AtomicBoolean();

    /* Poller thread (or the closing thread of a link without a reader). */
    private @Nullable LinkListener listener;
    private boolean closed;
    /**
     * What the reader hit (a corrupt or oversized record, an I/O error), held back until the application has every
     * message read before it, so that the stored position ends right before it; poller thread.
     */
    private @Nullable Exception failure;

    QueueLink(
            Endpoint endpoint,
            String queue,
            QueueWriter writer,
            @Nullable QueueReader reader,
            @Nullable QueuePoller poller,
            QueueSignals.Signal signal) {
        this.endpoint = endpoint;
        this.queue = queue;
        this.writer = writer;
        this.reader = reader;
        this.poller = poller;
        this.signal = signal;
    }

    /** Attaches the runtime's listener and starts reading, if this link reads. */
    void start(LinkListener l) {
        listener = l;
        QueueReader r = reader;
        QueuePoller p = poller;
        if (r != null && p != null) {
            r.start(l);
            p.register(this);
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
        writer.write(frame, callback);
    }

    @Override
    public boolean writeNow(ByteBuf frame) {
        return writer.writeNow(frame);
    }

    @Override
    public boolean reportsDelivery() {
        return reader != null;
    }

    @Override
    public void delivered() {
        QueueReader r = reader;
        if (r != null) {
            r.delivered();
        }
    }

    @Override
    public @Nullable String receiveRefusal() {
        return reader != null
                ? null
                : "cannot receive from " + queue + ": this channel has no reader and only appends; connect to " + queue
                        + "?reader=NAME to read";
    }

    @Override
    public void setReadPaused(boolean paused) {
        QueueReader r = reader;
        QueuePoller p = poller;
        if (r != null && p != null) {
            r.setPaused(paused);
            if (!paused) {
                p.wakeup();
            }
        }
    }

    @Override
    public <V> @Nullable V property(Property<V> key) {
        QueueReader r = reader;
        if (key == Queues.READER_INDEX && r != null) {
            long index = r.deliveryIndex();
            return index < 0 ? null : key.type().cast(index);
        }
        return null;
    }

    QueueSignals.Signal signal() {
        return signal;
    }

    /**
     * One batch for the poller; returns how many records were read. A failure closes the link once the messages
     * handed on before it are delivered (the poller comes back at least every park), or at once if there are none.
     */
    int poll() throws Exception {
        QueueReader r = reader;
        if (closed || r == null) {
            return 0;
        }
        Exception f = failure;
        if (f == null) {
            try {
                return r.poll();
            } catch (Exception e) {
                failure = f = e;
            }
        }
        if (r.allDelivered()) {
            throw f;
        }
        return 0;
    }

    boolean hasRecord() {
        QueueReader r = reader;
        return !closed && r != null && failure == null && r.hasRecord();
    }

    @Override
    public void close() {
        if (!closeRequested.compareAndSet(false, true)) {
            return;
        }
        QueuePoller p = poller;
        if (p != null) {
            p.execute(() -> closeNow(CloseReason.LOCAL));
        } else {
            closeNow(CloseReason.LOCAL);
        }
    }

    /** Closes: refuses sends, releases the reader and the mappings, tells the runtime; poller thread for readers. */
    void closeNow(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        writer.close(reason);
        QueueReader r = reader;
        QueuePoller p = poller;
        if (r != null && p != null) {
            p.deregister(this);
            r.close();
        }
        LinkListener l = listener;
        if (l != null) {
            l.onClosed(reason);
        }
    }

    @Override
    public String toString() {
        return "queue(" + endpoint + ")";
    }
}
