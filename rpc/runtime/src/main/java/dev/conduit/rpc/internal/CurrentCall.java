package dev.conduit.rpc.internal;

/**
 * The context of the server call whose handler callback runs on this thread, behind
 * {@code ServerCallContext.current()}. It holds the context as a plain object and is asked for it by type, so that it
 * needs nothing of the public API: the API looks here, never the other way round. Thread-confined by construction:
 * the context is in the thread's {@link RpcThread}, set around each callback by the call that runs it.
 */
public final class CurrentCall {
    private CurrentCall() {}

    /**
     * The context of the call whose callback is running on this thread, as {@code type}.
     *
     * @throws IllegalStateException if none is
     */
    public static <C> C get(Class<C> type) {
        Object c = RpcThread.current().currentCall;
        if (c == null) {
            throw new IllegalStateException("no RPC handler callback is running on thread "
                    + Thread.currentThread().getName() + "; ServerCallContext.current() works inside handlers only");
        }
        return type.cast(c);
    }
}
