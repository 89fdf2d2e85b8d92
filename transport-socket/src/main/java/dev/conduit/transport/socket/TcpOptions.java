package dev.conduit.transport.socket;

import dev.conduit.core.Option;
import dev.conduit.transport.netty.IoEngine;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code tcp://} and {@code tcps://} endpoints beyond {@link dev.conduit.core.ChannelOptions}; TLS
 * options are in {@link TlsOptions} and reconnection options in {@link ReconnectOptions}.
 *
 * <pre>{@code
 * tcp://10.0.0.7:7000?io=nio&keepAlive=30s&idleTimeout=2m
 * }</pre>
 *
 * <p>Constants only; thread-safe.
 */
public final class TcpOptions {
    private TcpOptions() {}

    /** The I/O engine ({@link IoEngine}): {@code auto} (epoll on Linux, kqueue on macOS, NIO elsewhere), or one by name. */
    public static final Option<IoEngine> IO = IoEngine.OPTION;

    /** {@code TCP_NODELAY}: send small messages at once instead of coalescing them. Default {@code true}. */
    public static final Option<Boolean> NO_DELAY =
            Option.bool("noDelay", true, "TCP_NODELAY: send small messages at once (default true)");

    /**
     * TCP keepalive: after this long without traffic the operating system probes the peer, three times at a third of
     * this interval (at least a second), and resets the connection if no probe is answered. {@code 0} (the default)
     * turns keepalive off. Whole seconds; shorter values count as one second.
     */
    public static final Option<Duration> KEEP_ALIVE = Option.duration(
            "keepAlive", Duration.ZERO, "TCP keepalive: quiet time before the OS probes the peer; 0 = off (default)");

    /**
     * Closes a channel on which nothing has arrived for this long, with an {@link IdleTimeoutException}: the way to
     * notice a peer that died without closing its connection (power loss, a cut network). A healthy peer that stays
     * silent longer than this is closed too, so pair it with application heartbeats. {@code 0} (the default) never
     * closes.
     */
    public static final Option<Duration> IDLE_TIMEOUT = Option.duration(
            "idleTimeout", Duration.ZERO, "close the channel when nothing arrives for this long; 0 = never (default)");

    /** The options of this class, for listings. */
    public static final List<Option<?>> ALL = List.of(IO, NO_DELAY, KEEP_ALIVE, IDLE_TIMEOUT);
}
