package dev.conduit.transport.nats.internal;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.TransportContext;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code nats://host:port/stream/NAME[?reader=R&from=start|end|N&replicas=N]}: a durable queue on a JetStream stream,
 * with the semantics of {@code queue://}. Connecting checks that the servers run JetStream, makes the stream if it is
 * missing, and, for a reader, takes the reader ({@link ReaderLock}) and puts its durable consumer at its stored
 * position; there is nothing to listen on.
 */
final class JetStreamQueue {
    private JetStreamQueue() {}

    /** JetStream API requests and the in-use check take at most this long, or the connect timeout if shorter. */
    private static final Duration API_TIMEOUT = Duration.ofSeconds(5);

    static CompletableFuture<Void> connect(
            Endpoint endpoint, NatsTarget target, LinkConfig config, TransportContext context, LinkBinder binder) {
        StreamSettings settings = StreamSettings.of(endpoint, target);
        return NatsConnections.of(context)
                .client(target, config.connectTimeout())
                .thenCompose(client -> CompletableFuture.runAsync(
                        () -> open(client, endpoint, settings, config, context, binder), client.pool()))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        NatsTransport.unwrap(e) instanceof ConnectFailedException c
                                ? c
                                : new ConnectFailedException(
                                        endpoint.toString(), NatsTransport.reason(e), NatsTransport.unwrap(e))));
    }

    private static void open(
            NatsClient client,
            Endpoint endpoint,
            StreamSettings settings,
            LinkConfig config,
            TransportContext context,
            LinkBinder binder) {
        Duration timeout = config.connectTimeout().compareTo(API_TIMEOUT) < 0 ? config.connectTimeout() : API_TIMEOUT;
        ReaderLock lock = null;
        try {
            JetStreamOptions options =
                    JetStreamOptions.builder().requestTimeout(timeout).build();
            JetStreamManagement jsm = client.connection().jetStreamManagement(options);
            JetStreamSetup.requireJetStream(
                    jsm, String.join(",", NatsTarget.of(endpoint).servers()));
            JetStreamSetup.stream(jsm, settings);
            JetStream js = client.connection().jetStream(options);
            ConsumerContext consumer = null;
            long next = -1;
            if (settings.reader() != null) {
                lock = ReaderLock.take(client, endpoint, settings.stream(), settings.reader(), timeout);
                next = JetStreamSetup.reader(jsm, settings);
                consumer = client.connection().getConsumerContext(settings.stream(), settings.reader(), options);
            }
            JetStreamLink link = new JetStreamLink(
                    endpoint, settings, js, jsm, client.maxPayload(), config.maxFrame(), consumer, lock, next);
            link.start(binder.bind(link), context.threadFactory("nats-stream"));
        } catch (IOException | io.nats.client.JetStreamApiException | RuntimeException e) {
            if (lock != null) {
                lock.release();
            }
            throw e instanceof RuntimeException r ? r : new CompletionException(e);
        }
    }

    /** Why a stream has no listener, in the words of {@code queue://}. */
    static BindFailedException noListener(Endpoint endpoint) {
        return new BindFailedException(
                endpoint.toString(),
                "a JetStream stream has no listener: writers append to it and named readers read from it, each at its"
                        + " own pace; connect to the stream to append, and add ?reader=NAME to read",
                null);
    }
}
