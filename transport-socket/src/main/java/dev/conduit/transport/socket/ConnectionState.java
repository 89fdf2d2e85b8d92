package dev.conduit.transport.socket;

/** Where a reconnecting channel stands (see {@link Reconnection}). */
public enum ConnectionState {
    /** A connection attempt is under way. */
    CONNECTING,
    /** Connected: messages flow. */
    CONNECTED,
    /** The connection dropped; a retry is scheduled, and sends are queued meanwhile. */
    DISCONNECTED,
    /** The retries ran out ({@code reconnect.maxAttempts}); the channel is closed with an error. Final. */
    GAVE_UP
}
