package dev.conduit.ipc;

import dev.conduit.core.Option;
import dev.conduit.transport.netty.IoEngine;
import java.util.List;

/**
 * The options of {@code unix://} endpoints, beyond {@link dev.conduit.core.ChannelOptions}:
 *
 * <pre>{@code
 * unix:///run/app.sock?mode=0660&allowUids=1000,1001&io=epoll&idle=spin
 * }</pre>
 *
 * <p>Immutable constants; safe to share between threads.
 */
public final class UnixOptions {
    private UnixOptions() {}

    /**
     * Permissions of the socket file a listener creates, in octal; default {@code 0600} (owner only). Connecting to a
     * Unix socket needs write permission on its file, so {@code 0660} admits the file's group. Not valid for abstract
     * sockets ({@code unix:@name}), which have no file.
     */
    public static final Option<Integer> MODE = Option.of(
            "mode",
            0600,
            "an octal file mode from 0000 to 0777, for example 0600 or 0660",
            "permissions of the socket file a listener creates (default 0600, owner only)",
            UnixOptions::parseMode,
            UnixOptions::formatMode);

    /**
     * The peer user ids a listener accepts: a comma-separated list, or {@code *} for everyone. A peer whose uid is
     * not accepted is disconnected before the application sees it, and the reason is logged. Without the option, a
     * socket file accepts every peer that its {@link #MODE} lets connect, and an abstract socket ({@code unix:@name}),
     * which has no file and so no mode, accepts only this process's own uid. The list is exact: list the own uid too
     * to keep it.
     */
    public static final Option<AllowedUids> ALLOW_UIDS = AllowedUids.OPTION;

    /**
     * The I/O engine ({@link IoEngine}): {@code auto} (epoll on Linux, kqueue on macOS, NIO elsewhere), {@code epoll}, {@code kqueue},
     * {@code io_uring} or {@code nio} (JDK 16+ domain sockets). {@code idle=spin} needs {@code epoll}.
     */
    public static final Option<IoEngine> IO = IoEngine.OPTION;

    /** Every {@code unix://} option. */
    public static final List<Option<?>> ALL = List.of(MODE, ALLOW_UIDS, IO);

    static int parseMode(String text) {
        if (!text.matches("0?[0-7]{1,3}")) {
            throw new IllegalArgumentException("not an octal mode: " + text);
        }
        return Integer.parseInt(text, 8);
    }

    static String formatMode(int mode) {
        return String.format("%04o", mode);
    }
}
