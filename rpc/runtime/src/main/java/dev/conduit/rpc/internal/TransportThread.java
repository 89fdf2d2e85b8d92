package dev.conduit.rpc.internal;

/**
 * Marks the threads that are delivering a connection's frames (Conduit's connections, and the gRPC carrier's event
 * loop while it reads). Blocking such a thread could deadlock the very connection that would wake it (flow-control
 * credit arrives on it), so blocking sends queue instead there.
 */
public final class TransportThread {
    private TransportThread() {}

    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /** Marks the current thread as delivering frames until {@link #exit(int[])}. */
    public static int[] enter() {
        int[] depth = DEPTH.get();
        depth[0]++;
        return depth;
    }

    public static void exit(int[] depth) {
        depth[0]--;
    }

    /** Whether the current thread may block waiting for the network. */
    static boolean mayBlock() {
        return DEPTH.get()[0] == 0;
    }
}
