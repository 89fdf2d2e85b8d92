package dev.conduit.rpc.internal;

import org.jspecify.annotations.Nullable;

/**
 * What the RPC runtime keeps per thread, behind one thread-local lookup: the server call whose callback runs here
 * ({@link CurrentCall}), how deeply the thread is delivering connections' frames ({@link TransportThread}), and the
 * carrier a blocking unary caller may read itself ({@link DeliverHere}). A call path that needs it more than once
 * looks it up once and passes it on, or keeps it while its work stays on the thread ({@link #current(RpcThread)}).
 *
 * <p>Thread-confined: only the owning thread reads or writes its fields; other threads may hold a reference (a call
 * caches the state of the thread that last ran it) but check {@link #owner} before use.
 */
public final class RpcThread {
    private static final ThreadLocal<RpcThread> STATE = ThreadLocal.withInitial(RpcThread::new);

    /** The thread whose state this is. */
    final Thread owner = Thread.currentThread();

    /** The context of the server call whose callback is running, or null. */
    @Nullable
    Object currentCall;

    /** Nesting of frame deliveries on this thread; 0 when it delivers none. */
    int transportDepth;

    /** A blocking unary caller waits for the next carrier offered on this thread. */
    boolean deliverArmed;

    /** The carrier offered while armed, or null. */
    @Nullable
    ClientCarrier deliverCarrier;

    private RpcThread() {}

    /** This thread's state. */
    public static RpcThread current() {
        return STATE.get();
    }

    /** This thread's state: {@code cached} if it is this thread's, else looked up. */
    static RpcThread current(@Nullable RpcThread cached) {
        return cached != null && cached.owner == Thread.currentThread() ? cached : STATE.get();
    }
}
