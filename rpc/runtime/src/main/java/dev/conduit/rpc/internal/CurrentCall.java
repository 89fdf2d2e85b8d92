package dev.conduit.rpc.internal;

import org.jspecify.annotations.Nullable;

/**
 * The context of the server call whose handler callback runs on this thread, behind
 * {@code ServerCallContext.current()}. It holds the context as a plain object and is asked for it by type, so that it
 * needs nothing of the public API: the API looks here, never the other way round. Thread-confined by construction.
 */
public final class CurrentCall {
    private CurrentCall() {}

    private static final ThreadLocal<@Nullable Object> CURRENT = new ThreadLocal<>();

    /**
     * The context of the call whose callback is running on this thread, as {@code type}.
     *
     * @throws IllegalStateException if none is
     */
    public static <C> C get(Class<C> type) {
        Object c = CURRENT.get();
        if (c == null) {
            throw new IllegalStateException("no RPC handler callback is running on thread "
                    + Thread.currentThread().getName() + "; ServerCallContext.current() works inside handlers only");
        }
        return type.cast(c);
    }

    /** Runs {@code task} with {@code context} as the current call. */
    static void run(Object context, Runnable task) {
        Object previous = CURRENT.get();
        CURRENT.set(context);
        try {
            task.run();
        } finally {
            CURRENT.set(previous);
        }
    }
}
