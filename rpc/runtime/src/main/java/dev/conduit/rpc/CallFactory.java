package dev.conduit.rpc;

/**
 * Creates client calls: an {@link RpcChannel}, or the next step of a {@link ClientInterceptor} chain. Thread-safe.
 */
@FunctionalInterface
public interface CallFactory {

    /** A new, not yet started call of {@code method}. */
    <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options);
}
