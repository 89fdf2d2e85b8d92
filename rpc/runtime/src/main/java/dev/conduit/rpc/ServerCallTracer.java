package dev.conduit.rpc;

/**
 * Sees one server call as the runtime carries it: each message with its size on the wire, and the status the call
 * ended with. What metrics are built on (the {@code conduit-rpc-opentelemetry} module); a {@link ServerInterceptor}
 * sees messages after they are decoded and never sees a call to a method the server does not have. Installed with
 * {@link RpcServer.Builder#tracer}; a server without one creates none and does no tracing work.
 *
 * <p>One tracer per call, created by the {@link Factory} when the call's headers arrive, even for a method that is
 * not registered (that call then ends at once with {@link Status.Code#UNIMPLEMENTED}). Threading: {@link
 * #inboundMessage} runs on the transport thread, {@link #outboundMessage} on whichever thread writes the call's
 * frames, {@link #callEnded} once on the thread that ends the call; an implementation must accept them from several
 * threads. Methods must be quick and must not throw.
 */
public abstract class ServerCallTracer {

    /** Creates a tracer for each call a server receives. Thread-safe: called from transport threads. */
    public interface Factory {
        /**
         * A tracer for a call that arrives now.
         *
         * @param fullMethodName the method the client named, {@code package.Service/Method}; any text when not
         *     {@code registered}
         * @param registered whether the server has that method
         * @param transport the URI scheme the call came in on ({@code tcp}, {@code shm}, {@code grpc}...)
         * @param headers the client's headers; do not modify them
         */
        ServerCallTracer newCallTracer(String fullMethodName, boolean registered, String transport, Metadata headers);
    }

    /** A request arrived: {@code wireSize} bytes of message as received (compressed, if it was). */
    public void inboundMessage(long wireSize) {}

    /** A response left for the client: {@code wireSize} bytes of message as sent (compressed, if it was). */
    public void outboundMessage(long wireSize) {}

    /** The call ended with {@code status}: its last frame was handed to the transport, or it was aborted. Once. */
    public void callEnded(Status status) {}
}
