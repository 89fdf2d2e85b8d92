package dev.conduit.rpc.internal;

/**
 * Marks the threads that are delivering a connection's frames (Conduit's connections, and the gRPC carrier's event
 * loop while it reads). Blocking such a thread could deadlock the very connection that would wake it (flow-control
 * credit arrives on it), so blocking sends queue instead there. The mark is a depth in the thread's {@link RpcThread}.
 */
public final class TransportThread {
    private TransportThread() {}

    /** Marks the current thread as delivering frames until {@link #exit}; returns its state, for {@link #exit}. */
    public static RpcThread enter() {
        RpcThread t = RpcThread.current();
        t.transportDepth++;
        return t;
    }

    /** Ends the mark {@link #enter} made; on the same thread. */
    public static void exit(RpcThread t) {
        t.transportDepth--;
    }

    /** Whether the current thread is delivering a connection's frames now. */
    public static boolean isDelivering() {
        return !mayBlock();
    }

    /** Whether the current thread may block waiting for the network. */
    static boolean mayBlock() {
        return mayBlock(RpcThread.current());
    }

    /** Whether the thread whose state is {@code t} (the current thread's) may block waiting for the network. */
    static boolean mayBlock(RpcThread t) {
        return t.transportDepth == 0;
    }
}
