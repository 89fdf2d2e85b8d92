package dev.conduit.rpc;

/**
 * Intercepts calls arriving at an {@link RpcServer}: to authenticate (close the call with {@link
 * Status.Code#UNAUTHENTICATED} instead of calling {@code next}), log, measure or decorate. Interceptors run in the
 * order given to {@link RpcServer.Builder#intercept}, the first being outermost, on the server's executor.
 *
 * <pre>{@code
 * ServerInterceptor auth = new ServerInterceptor() {
 *     public <Req, Resp> ServerCall.Listener<Req> interceptCall(
 *             ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
 *         if (!tokens.isValid(headers.get("authorization"))) {
 *             call.close(Status.UNAUTHENTICATED.withDescription("bad token"), new Metadata());
 *             return new ServerCall.Listener<>() {};
 *         }
 *         return next.startCall(call, headers);
 *     }
 * };
 * }</pre>
 *
 * <p>Must be thread-safe: one interceptor serves every call.
 */
@FunctionalInterface
public interface ServerInterceptor {

    /** Returns the call's listener: usually {@code next.startCall(call, headers)}, possibly with a wrapped call. */
    <Req, Resp> ServerCall.Listener<Req> interceptCall(
            ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next);
}
