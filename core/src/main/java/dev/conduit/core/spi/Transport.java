package dev.conduit.core.spi;

import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import dev.conduit.core.InstanceWatch;
import dev.conduit.core.Option;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A way of moving frames between two endpoints, serving one or more URI schemes. Found with {@link
 * java.util.ServiceLoader}; one instance serves every runtime, so per-runtime state belongs in {@link
 * TransportContext#resource}.
 */
public interface Transport {

    /** The URI schemes this transport serves, in lower case, for example {@code tcp} and {@code tcps}. */
    Set<String> schemes();

    /**
     * How {@code scheme}'s URIs begin, as documentation and messages write them: {@code scheme://} unless the
     * transport's URIs are opaque, like {@code pipe:}.
     */
    default String uriPrefix(String scheme) {
        return scheme + "://";
    }

    /** Options this transport accepts for {@code scheme}, beyond {@link dev.conduit.core.ChannelOptions#ALL}. */
    default List<Option<?>> options(String scheme) {
        return List.of();
    }

    /** The framings {@code scheme} supports; the first is its default. */
    List<Framing> framings(String scheme);

    /** The idle strategies {@code scheme} supports; the first is its default. */
    default List<Idle> idles(String scheme) {
        return List.of(Idle.BLOCK, Idle.BACKOFF, Idle.SPIN);
    }

    /**
     * Checks {@code endpoint} as {@link #connect} would before any I/O (the form of its address, paths, how its options
     * go together), without connecting; {@code connect} fails the same way. The runtime has already checked the scheme
     * and that every option is known and valid. Used to refuse, up front, a target that can never work.
     *
     * @throws dev.conduit.core.EndpointException saying what is wrong and what was expected
     */
    default void checkConnect(Endpoint endpoint, LinkConfig config) {}

    /**
     * Connects to {@code endpoint}. Once the connection is up, calls {@code binder} with the new link, before any
     * frame is delivered, then completes the future. Fails the future with a {@link
     * dev.conduit.core.ConnectFailedException} that names the endpoint.
     */
    CompletableFuture<Void> connect(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder);

    /**
     * Starts listening on {@code endpoint}; calls {@code binder} for every accepted connection before any frame is
     * delivered on it.
     *
     * @throws dev.conduit.core.BindFailedException naming the endpoint if it cannot be bound
     */
    Binding listen(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder);

    /**
     * Watches the instances behind {@code endpoint}, for {@link dev.conduit.core.Conduit#watchInstances}, or returns
     * null (the default) where an endpoint of this scheme is one peer. A transport that puts many instances behind one
     * endpoint calls {@code onChange}, one call at a time, with a never-empty list of endpoints that each reach one
     * instance ({@code [endpoint]} while it knows none), first before this returns or soon after, then on every
     * change. The watch ends when closed, or when the runtime closes.
     */
    default @Nullable InstanceWatch watchInstances(
            Endpoint endpoint, LinkConfig config, TransportContext context, Consumer<List<Endpoint>> onChange) {
        return null;
    }
}
