package dev.conduit.core;

/**
 * Receives a channel's messages in push mode (see {@link Channel#onMessage}).
 *
 * <p>Calls for one channel are made one at a time, in arrival order, never concurrently, on the executor given to
 * {@code onMessage} (by default the runtime's handler threads, never an I/O thread). While a handler is slow the
 * channel stops reading from its transport, so a slow handler pushes back on the sender rather than filling memory.
 *
 * @param <T> the message type
 */
@FunctionalInterface
public interface MessageHandler<T> {

    /**
     * Handles one message. An exception thrown here closes the channel with that error.
     *
     * @param channel the channel the message arrived on, for replies
     * @param message the decoded message
     */
    void onMessage(Channel<T> channel, T message) throws Exception;

    /**
     * Called once, after the last message, when the channel has closed. Messages that arrived before a close by the
     * peer are delivered first; after a local close, undelivered messages are dropped.
     */
    default void onClose(Channel<T> channel, CloseReason reason) {}
}
