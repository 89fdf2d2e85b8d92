package dev.conduit.ipc.shm.internal;

/**
 * How a bus error on a mapped segment shows up in Java, and how to make it show up where we can attribute it.
 *
 * <p>A peer that truncates its segment file turns every access to the lost pages into {@code SIGBUS}. The JVM turns
 * that into an {@link InternalError} ("a fault occurred in a recent unsafe memory access operation"), but in
 * compiled code it throws it <em>asynchronously</em>: at the thread's next transition into the VM, which may be far
 * from the access (after the method returned, in code that serves another link). {@link #deliverPending()} is such
 * a transition, made on purpose: a thread that has touched several links' memory calls it before it runs code on
 * behalf of one of them, so that a pending fault is thrown there, in code that expects it.
 */
final class MemoryFaults {
    /**
     * Not a constant, so that the compiler cannot turn the allocation below into inline code; zero, so that the call
     * allocates only an empty outer array (16 bytes), not also an inner one: the poller calls this every round in
     * which it delivers after looking at another link's ring, and 40 bytes a round made a young collection every
     * second in a one-way stream.
     */
    private static int zero = 0;

    private MemoryFaults() {}

    /** Whether {@code t} is the JVM's report of a fault on mapped memory (a truncated file). */
    static boolean isMemoryFault(Throwable t) {
        return t instanceof InternalError
                && t.getMessage() != null
                && t.getMessage().contains("unsafe memory access");
    }

    /**
     * Throws a memory fault that is pending on this thread, if there is one; costs about 50 ns. A multi-dimensional
     * array with a variable length (zero too: C2 expands only constant dimensions inline) is always allocated by a
     * call into the VM (compiled code, C1 and C2, and the interpreter alike), and the VM delivers pending asynchronous
     * exceptions when that call returns; measured on JDK 17 (with a length of one), where neither a native call (such
     * as {@code Thread.yield}) nor an intrinsic does.
     */
    static Object deliverPending() {
        return new byte[zero][0];
    }
}
