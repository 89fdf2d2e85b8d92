package dev.conduit.rpc.resolver;

import dev.conduit.rpc.Status;
import java.util.List;

/**
 * Resolves one target name into the endpoints that serve it, and keeps resolving: each result replaces the previous
 * one. An endpoint is any URI an {@link dev.conduit.rpc.RpcChannel} can target ({@code tcp://10.0.0.7:7000}, {@code
 * shm://orders}, {@code grpc://host:port}), so one name may stand for shared memory on this host and TCP elsewhere.
 *
 * <p>Lifecycle: the channel calls {@link #start} once (on its first call), {@link #refresh} whenever it wants a fresh
 * answer (on its re-resolution schedule, and soon after a connection to an endpoint failed; the channel rate-limits
 * these), and {@link #close} once when it shuts down. These may come from any thread but never at the same time.
 * A resolver must not block in them: slow work (a network lookup) belongs on {@link NameResolverProvider.Args#scheduler()
 * the runtime's executor}. The resolver calls its {@link Listener} from any thread, one call at a time, and stops
 * calling it once closed. The channel owns the resolver and closes it.
 */
public abstract class NameResolver implements AutoCloseable {

    /** Receives what a {@link NameResolver} finds. Called one at a time; must not block. */
    public interface Listener {

        /**
         * The endpoints behind the name now, in order of preference (the order {@code pick_first} tries them),
         * replacing the previous result. An empty list means the name has no endpoint at present.
         */
        void onResult(List<String> endpoints);

        /**
         * Resolution failed (the name does not exist, the server did not answer). The channel keeps the last
         * endpoints it had; with none, calls fail with {@code error} (UNAVAILABLE is the usual code) unless they wait
         * for ready.
         */
        void onError(Status error);
    }

    /** Starts resolving; the first result or error goes to {@code listener}. Called once. */
    public abstract void start(Listener listener);

    /** Asks for a new resolution. By default nothing: a resolver that is told of changes (a watch) needs no poll. */
    public void refresh() {}

    /** Stops resolving and releases what the resolver holds. Idempotent. */
    @Override
    public abstract void close();
}
