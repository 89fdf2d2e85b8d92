package dev.conduit.transport.socket;

import dev.conduit.core.Option;
import java.time.Duration;
import java.util.List;

/**
 * Options of a reconnecting {@code tcp://} or {@code tcps://} client channel. With {@code ?reconnect=true}, a channel
 * whose connection drops stays open: it reconnects with exponential backoff and jitter, queues the messages sent
 * meanwhile (up to {@link #QUEUE} bytes; beyond that, sends fail), and sends them once connected again. Its {@link
 * Reconnection} handle ({@link SocketProperties#RECONNECTION}) reports each state change.
 *
 * <pre>{@code
 * tcp://10.0.0.7:7000?reconnect=true&reconnect.initialDelay=50ms&reconnect.maxDelay=5s&reconnect.maxAttempts=20
 * }</pre>
 *
 * <p>The first connection is made like any other: if it fails, {@code connect} fails. Messages already handed to a
 * connection that then drops are not sent again (at most once). Constants only; thread-safe.
 */
public final class ReconnectOptions {
    private ReconnectOptions() {}

    /** Reconnect when the connection drops. Default {@code false}. Ignored by listeners. */
    public static final Option<Boolean> RECONNECT =
            Option.bool("reconnect", false, "reconnect when the connection drops (clients; default false)");

    /** The delay before the first retry; each further retry doubles it, up to {@link #MAX_DELAY}. Default 100 ms. */
    public static final Option<Duration> INITIAL_DELAY = Option.duration(
            "reconnect.initialDelay", Duration.ofMillis(100), "delay before the first retry; doubles each retry");

    /** The longest delay between retries. Default 10 s. */
    public static final Option<Duration> MAX_DELAY =
            Option.duration("reconnect.maxDelay", Duration.ofSeconds(10), "longest delay between retries");

    /** Retries after which the channel gives up and closes with an error; {@code 0} (default) retries forever. */
    public static final Option<Integer> MAX_ATTEMPTS = Option.integer(
            "reconnect.maxAttempts", 0, 0, Integer.MAX_VALUE, "retries before giving up; 0 = forever (default)");

    /** Bytes of messages queued while disconnected; a send beyond this fails at once. Default 1 MiB. */
    public static final Option<Integer> QUEUE = Option.size(
            "reconnect.queue", 1 << 20, 0, Integer.MAX_VALUE, "bytes queued while disconnected; beyond it send fails");

    /** The options of this class, for listings. */
    public static final List<Option<?>> ALL = List.of(RECONNECT, INITIAL_DELAY, MAX_DELAY, MAX_ATTEMPTS, QUEUE);
}
