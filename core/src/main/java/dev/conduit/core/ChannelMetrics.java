package dev.conduit.core;

/**
 * A hook through which a {@link Conduit} runtime reports its channels, set with {@link
 * Conduit.Builder#channelMetrics}: opens and closes and listener accepts and refusals as they happen, and traffic
 * (bytes and messages each way, pending outbound bytes) as totals per transport that the hook reads on demand through
 * {@link Conduit#traffic()}, so that nothing is reported per message. A runtime without a hook counts nothing.
 *
 * <p>Threading: the event methods are called on transport and handler threads, concurrently, and must be quick and
 * must not block or throw. Ownership: the caller owns the hook; one hook may serve many runtimes, each of which calls
 * {@link #runtimeStarted} once when built and {@link #runtimeClosed} once when closed. {@code transport} is the URI
 * scheme of the channel's endpoint ({@code tcp}, {@code shm}, …).
 */
public interface ChannelMetrics {

    /** {@code runtime} was built with this hook; from now on its {@link Conduit#traffic()} counts. */
    default void runtimeStarted(Conduit runtime) {}

    /** {@code runtime} has closed; its {@link Conduit#traffic()} holds its final totals and changes no more. */
    default void runtimeClosed(Conduit runtime) {}

    /** A channel opened: connected, or accepted by a listener. */
    default void channelOpened(String transport) {}

    /** A channel that was reported opened has closed completely. */
    default void channelClosed(String transport) {}

    /** A listener took a connection in: handed it to its accept callback or queued it for {@code accept()}. */
    default void listenerAccepted(String transport) {}

    /** A listener turned a connection away: it was closing, or its queue of channels to accept was full. */
    default void listenerRefused(String transport) {}
}
