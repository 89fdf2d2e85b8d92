package dev.conduit.rpc.internal;

import dev.conduit.core.RuntimeScheduler;
import java.time.Duration;

/**
 * The settings a server or client channel gives its connections.
 *
 * @param maxMessageSize the largest message payload this side accepts (announced in HELLO)
 * @param initialWindow the credit this side grants the peer for each new call (announced in HELLO)
 * @param keepAliveTime how long without inbound frames before a PING is sent; zero disables keepalive
 * @param keepAliveTimeout how long to wait for any frame after a PING before the connection is declared dead
 * @param handshakeTimeout how long a new connection may take to complete the HELLO exchange
 * @param scheduler timers (deadlines, keepalive, handshake timeouts, reconnect backoff): the runtime's
 */
public record RpcConfig(
        int maxMessageSize,
        int initialWindow,
        Duration keepAliveTime,
        Duration keepAliveTimeout,
        Duration handshakeTimeout,
        RuntimeScheduler scheduler) {

    /** The default largest message: 4 MiB, as in gRPC. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 4 << 20;
    /** The default per-call window: 1 MiB. */
    public static final int DEFAULT_INITIAL_WINDOW = 1 << 20;
    /** Room in a channel frame for a message's header, method name and metadata. */
    public static final int FRAME_ALLOWANCE = 256 << 10;
}
