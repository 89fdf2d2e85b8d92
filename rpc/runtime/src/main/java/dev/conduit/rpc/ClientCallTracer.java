package dev.conduit.rpc;

/**
 * Sees one client call as the runtime carries it: each message with its size on the wire, and the status it ended
 * with. What metrics are built on (the {@code conduit-rpc-opentelemetry} module); an {@link ClientInterceptor} sees
 * messages before they are encoded and cannot know their size. Installed on a channel with {@link
 * RpcChannel.Builder#tracer}; a channel without one creates none and does no tracing work.
 *
 * <p>One tracer per call, created by the {@link Factory} when the call starts. With no retries, a call is one
 * attempt, so this tracer is both. Threading: {@link #outboundMessage} runs on whichever thread writes the call's
 * frames, {@link #inboundMessage} on the transport thread, {@link #callEnded} once on the call's executor, so an
 * implementation must accept them from several threads. Methods must be quick and must not throw.
 */
public abstract class ClientCallTracer {

    /** Creates a tracer for each call of a channel. Thread-safe: called for every call, from any thread. */
    public interface Factory {
        /**
         * A tracer for a call of {@code method} that starts now.
         *
         * @param target the channel's targets as the user named them, secrets masked, comma-separated
         * @param transport the URI scheme of the channel's targets ({@code tcp}, {@code shm}, {@code grpc}...), or
         *     {@code other} when they differ or are reached through a user's {@link ChannelFactory}
         */
        ClientCallTracer newCallTracer(MethodDescriptor<?, ?> method, String target, String transport);
    }

    /** A request left for the server: {@code wireSize} bytes of message as sent (compressed, if it was). */
    public void outboundMessage(long wireSize) {}

    /** A response arrived: {@code wireSize} bytes of message as received (compressed, if it was). */
    public void inboundMessage(long wireSize) {}

    /** The call ended with {@code status}, just before the application hears of it. Called once. */
    public void callEnded(Status status) {}
}
