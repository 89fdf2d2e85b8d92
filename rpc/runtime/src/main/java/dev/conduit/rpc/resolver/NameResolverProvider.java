package dev.conduit.rpc.resolver;

import dev.conduit.core.RuntimeScheduler;
import java.net.URI;
import java.util.Objects;

/**
 * Makes {@link NameResolver}s for one URI scheme. Found with {@link java.util.ServiceLoader}: list the implementing
 * class in {@code META-INF/services/dev.conduit.rpc.resolver.NameResolverProvider}. A target whose scheme has a
 * provider is resolved by it; any other target is an endpoint itself. Two providers of one scheme are an error that
 * names both. Implementations must be thread-safe and have a public no-argument constructor.
 */
public abstract class NameResolverProvider {

    /** The URI scheme this provider resolves, lower case: {@code dns}, {@code consul}. */
    public abstract String scheme();

    /**
     * A resolver for {@code target}, not yet started.
     *
     * @throws IllegalArgumentException if {@code target} is not a valid name for this scheme; the message says what
     *     was expected (the channel's builder passes it on)
     */
    public abstract NameResolver newResolver(URI target, Args args);

    /** What the channel lends a resolver: the runtime's timer and executor (a resolver starts no thread of its own). */
    public static final class Args {
        private final RuntimeScheduler scheduler;

        public Args(RuntimeScheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler);
        }

        /** The runtime's timer, and its executor for blocking work such as a DNS query. */
        public RuntimeScheduler scheduler() {
            return scheduler;
        }
    }
}
