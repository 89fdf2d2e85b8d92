package dev.conduit.rpc;

/**
 * A handler for methods where the client sends one request: {@link MethodType#UNARY} (send one response, then
 * complete) and {@link MethodType#SERVER_STREAMING} (send any number, then complete). Throwing ends the call: an
 * {@link RpcException} with its status, anything else with {@link Status.Code#UNKNOWN} and the exception's message.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
@FunctionalInterface
public interface UnaryMethod<Req, Resp> {

    /** Handles {@code request}, sending the outcome to {@code responses}. */
    void invoke(Req request, ServerResponseObserver<Resp> responses) throws Exception;
}
