package dev.conduit.rpc.internal;

import org.jspecify.annotations.Nullable;

/**
 * The context of the server call whose handler callback runs on this thread, behind
 * {@code ServerCallContext.current()}. It holds the context as a plain object and is asked for it by type, so that it
 * needs nothing of the public API: the API looks here, never the other way round. Thread-confined by construction.
 */
public final class CurrentCall {
    private CurrentCall() {}

    /**
     * A thread's current call, in an object of its own, so that a callback costs one thread-local lookup (or none, see
     * {@link #slot}) instead of a lookup and two updates of the thread's map.
     */
    static final class Slot {
        final Thread owner = Thread.currentThread();

        @Nullable
        Object current;
    }

    private static final ThreadLocal<Slot> CURRENT = ThreadLocal.withInitial(Slot::new);

    /**
     * The context of the call whose callback is running on this thread, as {@code type}.
     *
     * @throws IllegalStateException if none is
     */
    public static <C> C get(Class<C> type) {
        Object c = CURRENT.get().current;
        if (c == null) {
            throw new IllegalStateException("no RPC handler callback is running on thread "
                    + Thread.currentThread().getName() + "; ServerCallContext.current() works inside handlers only");
        }
        return type.cast(c);
    }

    /**
     * This thread's slot, or {@code cached} if that is it: a caller that runs several callbacks keeps the slot it got
     * and passes it back, which spares the thread-local lookup while its callbacks stay on one thread. Around a
     * callback: {@code previous = slot.current; slot.current = context;} and, in a {@code finally}, {@code
     * slot.current = previous}.
     */
    static Slot slot(@Nullable Slot cached) {
        return cached != null && cached.owner == Thread.currentThread() ? cached : CURRENT.get();
    }
}
