package dev.conduit.transport.nats.internal;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.ConduitException;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Framing;
import dev.conduit.core.InstanceWatch;
import dev.conduit.core.Option;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.Transport;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.transport.nats.NatsOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code nats://host:port[,host:port...]/subject}: channels as sessions over core NATS. {@code listen} joins the
 * subject's queue group; each {@code connect} opens a session with the one instance NATS picks (or the one named by
 * {@code ?instance=}). Frames keep their boundaries (no framing option but {@code none}).
 */
public final class NatsTransport implements Transport {

    @Override
    public Set<String> schemes() {
        return Set.of("nats");
    }

    @Override
    public List<Option<?>> options(String scheme) {
        return NatsOptions.ALL;
    }

    @Override
    public List<Framing> framings(String scheme) {
        return List.of(Framing.NONE);
    }

    @Override
    public CompletableFuture<Void> connect(
            Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        NatsTarget parsed = NatsTarget.of(endpoint);
        if (parsed.isStream()) {
            return JetStreamQueue.connect(endpoint, parsed, config, context, binder);
        }
        NatsTarget target = coreTarget(endpoint);
        SessionSettings settings = SessionSettings.of(endpoint);
        String openSubject = endpoint.find(NatsOptions.INSTANCE)
                .map(Presence::instanceSubject)
                .orElse(target.subject());
        return NatsConnections.of(context)
                .client(target, config.connectTimeout())
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        new ConnectFailedException(endpoint.toString(), reason(e), unwrap(e))))
                .thenCompose(client -> Session.open(client, target, openSubject, settings, config, binder));
    }

    @Override
    public Binding listen(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        if (NatsTarget.of(endpoint).isStream()) {
            throw JetStreamQueue.noListener(endpoint);
        }
        NatsTarget target = coreTarget(endpoint);
        if (endpoint.find(NatsOptions.INSTANCE).isPresent()) {
            throw new EndpointException(
                    endpoint + ": instance= names an instance to connect to; a listener is given" + " its own id");
        }
        SessionSettings settings = SessionSettings.of(endpoint);
        NatsClient client;
        try {
            client = NatsConnections.of(context)
                    .client(target, config.connectTimeout())
                    .get(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BindFailedException(endpoint.toString(), "interrupted while connecting to NATS", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new BindFailedException(endpoint.toString(), reason(e), unwrap(e));
        }
        return NatsBinding.bind(client, target, config, settings, binder, config.connectTimeout());
    }

    /** The instances listening on the subject; null for an endpoint that names one instance already. */
    @Override
    public @Nullable InstanceWatch watchInstances(
            Endpoint endpoint, LinkConfig config, TransportContext context, Consumer<List<Endpoint>> onChange) {
        NatsTarget target = coreTarget(endpoint);
        SessionSettings.of(endpoint);
        if (endpoint.find(NatsOptions.INSTANCE).isPresent()) {
            return null;
        }
        NatsConnections connections = NatsConnections.of(context);
        return InstanceWatcher.start(
                target, endpoint, onChange, context, () -> connections.client(target, config.connectTimeout()));
    }

    private static NatsTarget coreTarget(Endpoint endpoint) {
        NatsTarget target = NatsTarget.of(endpoint);
        if (target.isStream()) {
            throw new EndpointException(endpoint + " names a JetStream stream (stream/NAME), a durable queue to connect"
                    + " to; expected a core NATS subject such as nats://host:4222/orders");
        }
        for (Option<?> o : NatsOptions.STREAM_ONLY) {
            if (endpoint.find(o).isPresent()) {
                throw new EndpointException(endpoint + " sets " + o.name() + "=, which applies to JetStream streams"
                        + " only (nats://host:4222/stream/NAME?" + o.name() + "=...)");
            }
        }
        return target;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static String reason(Throwable e) {
        Throwable cause = unwrap(e);
        if (e instanceof TimeoutException) {
            return "no NATS server answered in time";
        }
        if (cause instanceof ConduitException) {
            return cause.getMessage();
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    @Override
    public String toString() {
        return "NatsTransport";
    }
}
