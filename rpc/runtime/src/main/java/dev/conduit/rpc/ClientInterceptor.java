package dev.conduit.rpc;

/**
 * Intercepts calls made through an {@link RpcChannel}: to add headers (authentication), log, measure or refuse
 * calls. Interceptors run in the order given to {@link RpcChannel.Builder#intercept}, the first being outermost.
 *
 * <pre>{@code
 * ClientInterceptor auth = new ClientInterceptor() {
 *     public <Req, Resp> ClientCall<Req, Resp> interceptCall(
 *             MethodDescriptor<Req, Resp> method, CallOptions options, CallFactory next) {
 *         return new ForwardingClientCall<>(next.newCall(method, options)) {
 *             public void start(Listener<Resp> listener, Metadata headers) {
 *                 headers.put("authorization", "Bearer " + token);
 *                 super.start(listener, headers);
 *             }
 *         };
 *     }
 * };
 * }</pre>
 *
 * <p>Must be thread-safe: one interceptor serves every call. Callbacks of a wrapped listener run on the call's
 * executor and must not block if that executor is a transport thread.
 */
@FunctionalInterface
public interface ClientInterceptor {

    /** Returns the call to use: usually {@code next.newCall(method, options)}, wrapped. */
    <Req, Resp> ClientCall<Req, Resp> interceptCall(
            MethodDescriptor<Req, Resp> method, CallOptions options, CallFactory next);
}
