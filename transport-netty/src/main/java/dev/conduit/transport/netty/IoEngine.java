package dev.conduit.transport.netty;

import dev.conduit.core.Option;
import java.util.Locale;

/**
 * Which I/O engine the socket and unix transports run on: the value of their {@code io} endpoint option
 * ({@code ?io=epoll}), as in {@code TcpOptions.IO} and {@code UnixOptions.IO}. A plain choice for users; the
 * transports map it to Netty's machinery ({@link NettyEngine}) inside. {@link #AUTO} picks the best the platform has: epoll on Linux, kqueue on macOS, NIO elsewhere.
 * An engine that does not load on this machine fails the connect or listen with an
 * {@link dev.conduit.core.EndpointException} that names it.
 *
 * <p>Constants only; thread-safe.
 */
public enum IoEngine {
    /** The best available: epoll, then kqueue, then NIO. */
    AUTO,
    /** Linux epoll (native). Supports {@code idle=spin} by busy-polling. */
    EPOLL,
    /** Linux io_uring (native); used only when asked for. */
    IO_URING,
    /** BSD/macOS kqueue (native). */
    KQUEUE,
    /** Java NIO: everywhere. */
    NIO;

    /** The {@code io} endpoint option; default {@link #AUTO}. */
    public static final Option<IoEngine> OPTION = Option.choice(
            "io", IoEngine.class, AUTO, "Netty I/O engine: auto (best available), epoll, io_uring, kqueue or nio");

    /** The name in a URI: {@code auto}, {@code epoll}, {@code io_uring}, {@code kqueue}, {@code nio}. */
    public String uriName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
