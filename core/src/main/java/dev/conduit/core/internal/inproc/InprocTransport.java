package dev.conduit.core.internal.inproc;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Framing;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.Transport;
import dev.conduit.core.spi.TransportContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code inproc://name}: listeners are registered by name, JVM-wide, so that runtimes in one JVM can reach each
 * other. Each connection is a pair of {@link InprocLink}s; frames are handed over in memory, never copied twice.
 *
 * <p>Listening on {@code inproc://*} picks a fresh unique name, like port 0 for TCP.
 */
public final class InprocTransport implements Transport {
    private static final ConcurrentMap<String, InprocBinding> BOUND = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    @Override
    public Set<String> schemes() {
        return Set.of("inproc");
    }

    @Override
    public List<Framing> framings(String scheme) {
        return List.of(Framing.NONE);
    }

    @Override
    public void checkConnect(Endpoint endpoint, LinkConfig config) {
        name(endpoint);
    }

    @Override
    public CompletableFuture<Void> connect(
            Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        String name = name(endpoint);
        InprocBinding binding = BOUND.get(name);
        if (binding == null) {
            return CompletableFuture.failedFuture(new ConnectFailedException(
                    endpoint.toString(), "no inproc listener is named '" + name + "'", null));
        }
        Endpoint client = Endpoint.of("inproc", name + "#client-" + NEXT.incrementAndGet());
        InprocLink clientSide = new InprocLink(client, binding.endpoint(), context.allocator());
        InprocLink serverSide = new InprocLink(binding.endpoint(), client, context.allocator());
        clientSide.connect(serverSide);
        if (!binding.accept(serverSide)) {
            return CompletableFuture.failedFuture(
                    new ConnectFailedException(endpoint.toString(), "the inproc listener is closing", null));
        }
        clientSide.bind(binder.bind(clientSide));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Binding listen(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        String name = name(endpoint);
        if (name.equals("*")) {
            name = "anon-" + NEXT.incrementAndGet();
        }
        InprocBinding binding = new InprocBinding(endpoint.withAddress(name), binder, BOUND);
        if (BOUND.putIfAbsent(name, binding) != null) {
            throw new BindFailedException(endpoint.toString(), "another inproc listener is named '" + name + "'", null);
        }
        return binding;
    }

    private static String name(Endpoint endpoint) {
        String name = endpoint.address();
        if (name.isEmpty() || name.contains("/") || name.contains("#")) {
            throw new EndpointException(endpoint + " needs a name without '/' or '#', for example inproc://orders");
        }
        return name;
    }
}
