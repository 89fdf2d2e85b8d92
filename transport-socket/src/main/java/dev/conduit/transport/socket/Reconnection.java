package dev.conduit.transport.socket;

import java.util.function.Consumer;

/**
 * The handle of a channel connected with {@code ?reconnect=true} (see {@link ReconnectOptions}), found with {@code
 * channel.property(SocketProperties.RECONNECTION)}. It tells where the connection stands and reports every change.
 *
 * <p>Thread-safe. Listeners are called on transport threads, one change at a time and in order; they must not block.
 * The handle lives as long as its channel; closing the channel stops reconnecting.
 */
public interface Reconnection {

    /** The current state. */
    ConnectionState state();

    /** Connection attempts that failed since the channel was last connected. */
    int failedAttempts();

    /** Connections made so far, the first included. */
    int connections();

    /**
     * Adds a listener of state changes. It is called at once with the current state, then with each change, so it
     * never misses one.
     */
    void onStateChange(Consumer<ConnectionState> listener);
}
