package dev.conduit.rpc;

import java.util.Objects;

/**
 * One method of a {@link ServiceDefinition}: its descriptor and the handler that starts its calls.
 *
 * @param descriptor the method
 * @param handler starts each call
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public record ServerMethodDefinition<Req, Resp>(
        MethodDescriptor<Req, Resp> descriptor, ServerCallHandler<Req, Resp> handler) {

    /** Checks that both components are present. */
    public ServerMethodDefinition {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(handler, "handler");
    }

    /** The same method with {@code interceptor} in front of its handler. */
    public ServerMethodDefinition<Req, Resp> intercept(ServerInterceptor interceptor) {
        ServerCallHandler<Req, Resp> next = handler;
        return new ServerMethodDefinition<>(
                descriptor, (call, headers) -> interceptor.interceptCall(call, headers, next));
    }
}
