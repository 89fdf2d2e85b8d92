package dev.conduit.transport.netty;

import dev.conduit.core.Idle;
import dev.conduit.core.spi.TransportContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * A Netty event loop group owned by a runtime, one per (engine, idle) pair and shared by every Netty-based transport
 * of that runtime. Closed with the runtime; close waits until its threads have ended.
 */
public final class NettyLoops implements AutoCloseable {
    private final EventLoopGroup group;
    private final NettyEngine engine;
    private final Idle idle;

    private NettyLoops(EventLoopGroup group, NettyEngine engine, Idle idle) {
        this.group = group;
        this.engine = engine;
        this.idle = idle;
    }

    /**
     * The runtime's event loops for {@code engine} waiting as {@code idle}, created on first use: one thread per core
     * for {@link Idle#BLOCK}, a single busy-polling thread for {@link Idle#SPIN}.
     *
     * @throws dev.conduit.core.EndpointException if the engine is unavailable or cannot wait that way
     */
    public static NettyLoops of(TransportContext context, NettyEngine engine, Idle idle) {
        NettyEngine resolved = engine.resolve();
        var factory = resolved.ioHandlerFactory(idle);
        String key = "netty-loops:" + resolved.uriName() + ":" + idle.uriName();
        return context.resource(key, () -> {
            int threads = idle == Idle.SPIN ? 1 : Runtime.getRuntime().availableProcessors();
            String purpose = "io-" + resolved.uriName() + (idle == Idle.SPIN ? "-spin" : "");
            var group = new MultiThreadIoEventLoopGroup(threads, context.threadFactory(purpose), factory);
            return new NettyLoops(group, resolved, idle);
        });
    }

    /** The event loop group. */
    public EventLoopGroup group() {
        return group;
    }

    /** The concrete engine (never {@link NettyEngine#AUTO}). */
    public NettyEngine engine() {
        return engine;
    }

    /** How the loops wait. */
    public Idle idle() {
        return idle;
    }

    /** Shuts the loops down and waits (up to 10 s) until their threads have ended. */
    @Override
    public void close() {
        try {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "netty-loops(" + engine.uriName() + ", " + idle.uriName() + ")";
    }
}
