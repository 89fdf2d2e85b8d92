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

    /**
     * Makes {@code context} the current call of this thread, until {@link #exit}; returns the one it replaces, for
     * {@link #exit}. A pair of calls rather than a method taking a task, so that a callback costs no task object.
     */
    static @Nullable Object enter(Object context) {
        Object previous = CURRENT.get();
        CURRENT.set(context);
        return previous;
    }

    /** Restores the current call that {@link #enter} replaced: call it in a {@code finally} after the callback. */
    static void exit(@Nullable Object previous) {
        CURRENT.set(previous);
    }
}
