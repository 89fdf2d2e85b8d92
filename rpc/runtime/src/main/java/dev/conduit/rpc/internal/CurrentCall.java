package dev.conduit.rpc.internal;

import dev.conduit.rpc.ServerCallContext;
import org.jspecify.annotations.Nullable;

/** The server call whose callback runs on this thread, behind {@link ServerCallContext#current()}. */
public final class CurrentCall {
    private CurrentCall() {}

    private static final ThreadLocal<@Nullable ServerCallContext> CURRENT = new ThreadLocal<>();

    /**
     * The context of the call whose callback is running on this thread.
     *
     * @throws IllegalStateException if none is
     */
    public static ServerCallContext get() {
        ServerCallContext c = CURRENT.get();
        if (c == null) {
            throw new IllegalStateException("no RPC handler callback is running on thread "
                    + Thread.currentThread().getName() + "; ServerCallContext.current() works inside handlers only");
        }
        return c;
    }

    /** Runs {@code task} with {@code context} as the current call. */
    static void run(ServerCallContext context, Runnable task) {
        ServerCallContext previous = CURRENT.get();
        CURRENT.set(context);
        try {
            task.run();
        } finally {
            CURRENT.set(previous);
        }
    }
}
