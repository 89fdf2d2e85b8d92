package dev.conduit.transport.netty;

import dev.conduit.core.EndpointException;
import dev.conduit.core.Idle;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import java.nio.channels.spi.SelectorProvider;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A Netty I/O engine. {@link #AUTO} picks the best one the platform has: epoll on Linux, kqueue on macOS, NIO
 * elsewhere. io_uring is used when asked for ({@code ?io=io_uring}).
 */
public enum NettyEngine {
    /** The best available: epoll, then kqueue, then NIO. */
    AUTO,
    /** Linux epoll (native). Supports {@code idle=spin} through Netty's busy-wait select strategy. */
    EPOLL,
    /** Linux io_uring (native). */
    IO_URING,
    /** BSD/macOS kqueue (native). */
    KQUEUE,
    /** Java NIO: everywhere. Supports {@code idle=spin} by polling the selector without blocking. */
    NIO;

    /** The engine a user chose through the {@code io} option ({@link IoEngine#OPTION}). */
    public static NettyEngine of(IoEngine io) {
        return switch (io) {
            case AUTO -> AUTO;
            case EPOLL -> EPOLL;
            case IO_URING -> IO_URING;
            case KQUEUE -> KQUEUE;
            case NIO -> NIO;
        };
    }

    /** The concrete engine {@code AUTO} stands for here, or this engine itself. */
    public NettyEngine resolve() {
        if (this != AUTO) {
            return this;
        }
        if (EPOLL.isAvailable()) {
            return EPOLL;
        }
        if (KQUEUE.isAvailable()) {
            return KQUEUE;
        }
        return NIO;
    }

    /** Whether this engine works on this machine. */
    public boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** Why this engine does not work here, or null if it does. */
    public @Nullable Throwable unavailabilityCause() {
        try {
            return switch (this) {
                case AUTO, NIO -> null;
                case EPOLL -> Epoll.unavailabilityCause();
                case IO_URING -> IoUring.unavailabilityCause();
                case KQUEUE -> KQueue.unavailabilityCause();
            };
        } catch (LinkageError e) {
            return e;
        }
    }

    /** Whether {@code idle} can be honoured by this engine's event loops. */
    public boolean supports(Idle idle) {
        return switch (idle) {
            case BLOCK -> true;
            case SPIN -> resolve() == EPOLL || resolve() == NIO;
            case BACKOFF -> false;
        };
    }

    /** The URI name: {@code epoll}, {@code io_uring}, ... */
    public String uriName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The Netty handler factory for event loops of this engine that wait as {@code idle} says.
     *
     * @throws EndpointException if the engine is not available here, or cannot wait that way
     */
    IoHandlerFactory ioHandlerFactory(Idle idle) {
        NettyEngine engine = resolve();
        Throwable cause = engine.unavailabilityCause();
        if (cause != null) {
            throw new EndpointException("io=" + engine.uriName() + " is not available on this machine: " + cause);
        }
        if (!engine.supports(idle)) {
            throw new EndpointException("idle=" + idle.uriName() + " is not supported with io=" + engine.uriName()
                    + (idle == Idle.SPIN
                            ? "; busy-polling needs io=epoll (Linux) or io=nio"
                            : "; use idle=block or idle=spin"));
        }
        SelectStrategyFactory busyWait = () -> (selectSupplier, hasTasks) -> SelectStrategy.BUSY_WAIT;
        // NIO has no busy-wait strategy of its own (it treats BUSY_WAIT as a blocking select), but a strategy that
        // always answers with selectNow()'s result never blocks: the loop polls the selector and runs its tasks.
        SelectStrategyFactory pollNow = () -> (selectSupplier, hasTasks) -> selectSupplier.get();
        return switch (engine) {
            case EPOLL -> idle == Idle.SPIN ? EpollIoHandler.newFactory(0, busyWait) : EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case KQUEUE -> KQueueIoHandler.newFactory();
            case NIO, AUTO ->
                idle == Idle.SPIN
                        ? NioIoHandler.newFactory(SelectorProvider.provider(), pollNow)
                        : NioIoHandler.newFactory();
        };
    }
}
