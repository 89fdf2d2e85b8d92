package dev.conduit.ipc.queue.internal;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import dev.conduit.core.Option;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.Transport;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.ipc.queue.QueueOptions;
import dev.conduit.ipc.queue.QueueOptions.Sync;
import dev.conduit.ipc.queue.RecordsLostException;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * {@code queue:///abs/dir}: a durable journal in a directory, shared by any number of writers and named readers in
 * any number of processes, with no broker. Connecting opens (or creates) the queue; there is nothing to listen on.
 * See {@code ipc/QUEUE.md}.
 *
 * <p>Per runtime and found through {@link TransportContext#resource}: one {@link QueuePoller} per idle strategy for
 * the readers, the {@link SegmentPreparer}, the {@link Syncer} (only with {@code sync=batch|always}), and the
 * {@link QueueSignals}; all end with the runtime.
 */
public final class QueueTransport implements Transport {

    @Override
    public Set<String> schemes() {
        return Set.of("queue");
    }

    @Override
    public List<Option<?>> options(String scheme) {
        return QueueOptions.ALL;
    }

    @Override
    public List<Framing> framings(String scheme) {
        return List.of(Framing.NONE);
    }

    @Override
    public List<Idle> idles(String scheme) {
        return List.of(Idle.BACKOFF, Idle.SPIN, Idle.BLOCK);
    }

    @Override
    public CompletableFuture<Void> connect(
            Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        QueueSettings settings = QueueSettings.of(endpoint);
        QueueReader reader = null;
        try {
            QueueDirectory dir = QueueDirectory.open(settings.directory(), true);
            if (dir.newestSegment() < 0) {
                dir.createSegment(0, settings.segmentSize(), settings.sync() != Sync.NONE);
            }
            String queue = settings.queue();
            SegmentPreparer preparer = context.resource(
                    "queue-prepare", () -> new SegmentPreparer(context.threadFactory("queue-prepare")));
            preparer.retainSoon(dir, settings.retention());
            QueueSignals.Signal signal =
                    context.resource("queue-signals", QueueSignals::new).of(dir.path());
            @Nullable
            Syncer syncer = settings.sync() == Sync.NONE
                    ? null
                    : context.resource("queue-sync", () -> new Syncer(context.threadFactory("queue-sync")));
            Appender.Preparation preparation = preparer.preparation(
                    dir, settings.segmentSize(), settings.sync() != Sync.NONE, settings.retention());
            QueueClock clock = context.resource("queue-clock", () -> new QueueClock(context.scheduler()));
            QueueWriter writer = new QueueWriter(
                    queue, dir, settings.segmentSize(), settings.sync(), syncer, preparation, clock, signal);
            QueuePoller poller = null;
            if (settings.reader() != null) {
                reader = QueueReader.open(dir, queue, settings.reader(), settings.from(), config.maxFrame());
                String purpose = "queue-" + config.idle().uriName();
                poller =
                        context.resource(purpose, () -> new QueuePoller(config.idle(), context.threadFactory(purpose)));
            }
            QueueLink link = new QueueLink(endpoint, queue, writer, reader, poller, signal);
            link.start(binder.bind(link));
            return CompletableFuture.completedFuture(null);
        } catch (RecordsLostException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IOException | RuntimeException e) {
            if (reader != null) {
                reader.close();
            }
            return CompletableFuture.failedFuture(
                    new ConnectFailedException(endpoint.toString(), IoErrors.describe(e), e));
        }
    }

    @Override
    public Binding listen(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        throw new BindFailedException(
                endpoint.toString(),
                "a queue has no listener: it is a directory that writers append to and named readers read from, each"
                        + " at its own pace; connect to queue://" + endpoint.address() + " to append, and to queue://"
                        + endpoint.address() + "?reader=NAME to read",
                null);
    }
}
