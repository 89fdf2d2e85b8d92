package dev.conduit.core.spi;

import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * What the runtime lends a transport: its buffer allocator, threads and a home for per-runtime resources such as
 * event loop groups. Everything obtained here is released when the runtime closes.
 */
public interface TransportContext {

    /** The runtime's name, for thread names and diagnostics. */
    String runtimeName();

    /** The runtime's pooled buffer allocator. */
    ByteBufAllocator allocator();

    /**
     * A factory for the runtime's own threads, named {@code conduit-<runtime>-<purpose>-<n>}. Threads made here must
     * end when the runtime closes; transports that start them must stop them from a {@link #resource}.
     */
    ThreadFactory threadFactory(String purpose);

    /** The runtime's timer, for connect timeouts, keepalives and retries. Do not block on it. */
    ScheduledExecutorService scheduler();

    /**
     * The runtime's resource under {@code key}, created by {@code factory} on first use. Resources are shared by every
     * transport of the runtime and closed, in reverse order of creation, after all channels and listeners.
     */
    <R extends AutoCloseable> R resource(String key, Supplier<R> factory);
}
