package dev.conduit.rpc;

/**
 * Sees one client call as the runtime carries it: each attempt (the first, and every retry), each message with its
 * size on the wire, and the status the call ended with. What metrics are built on (the {@code
 * conduit-rpc-opentelemetry} module); an {@link ClientInterceptor} sees messages before they are encoded and cannot
 * know their size. Installed on a channel with {@link RpcChannel.Builder#tracer}; a channel without one creates none
 * and does no tracing work.
 *
 * <p>One tracer per call, created by the {@link Factory} when the call starts; it makes an {@link Attempt} for each
 * try of the call on the wire (a call that is not retried has one). Attempts of one call follow each other, never
 * overlap. Threading: {@link #newAttempt} and {@link #callEnded} run on whichever thread starts or ends the call or
 * the attempt, an attempt's {@link Attempt#outboundMessage} on whichever thread writes its frames, {@link
 * Attempt#inboundMessage} on the transport thread; an implementation must accept them from several threads. Methods
 * must be quick and must not throw.
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

    /**
     * An attempt of the call starts now.
     *
     * @param previousAttempts attempts of this call before this one (0 for the first)
     * @param transparent whether this is a transparent retry: the previous attempt never reached a server
     */
    public Attempt newAttempt(int previousAttempts, boolean transparent) {
        return Attempt.NONE;
    }

    /** The call ended with {@code status}, just before the application hears of it. Called once. */
    public void callEnded(Status status) {}

    /** One attempt of a call: its messages, and the status it ended with. */
    public abstract static class Attempt {
        static final Attempt NONE = new Attempt() {};

        /** A request left for the server: {@code wireSize} bytes of message as sent (compressed, if it was). */
        public void outboundMessage(long wireSize) {}

        /** A response arrived: {@code wireSize} bytes of message as received (compressed, if it was). */
        public void inboundMessage(long wireSize) {}

        /** The attempt ended with {@code status}: the call's status, or the failure that led to a retry. Once. */
        public void attemptEnded(Status status) {}
    }
}
