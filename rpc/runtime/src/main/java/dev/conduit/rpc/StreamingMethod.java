package dev.conduit.rpc;

/**
 * A handler for methods where the client sends a stream: {@link MethodType#CLIENT_STREAMING} and {@link
 * MethodType#BIDI_STREAMING}. It returns the observer that receives the requests; responses go to {@code
 * responses}. Throwing ends the call as for {@link UnaryMethod}.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
@FunctionalInterface
public interface StreamingMethod<Req, Resp> {

    /** Starts the call; returns the observer of the client's requests. */
    StreamObserver<Req> invoke(ServerResponseObserver<Resp> responses) throws Exception;
}
