package dev.conduit.rpc;

/**
 * Starts the server side of a call: returns the listener that will receive the call's events. The runtime builds
 * one for each method of a {@link ServiceDefinition}; interceptors receive the next one in the chain. Thread-safe.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
@FunctionalInterface
public interface ServerCallHandler<Req, Resp> {

    /** Starts {@code call}, which the client began with {@code headers}. */
    ServerCall.Listener<Req> startCall(ServerCall<Req, Resp> call, Metadata headers);
}
