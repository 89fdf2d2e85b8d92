package dev.conduit.ipc.shm.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Cache-line padding in front of {@link PaddedFlag}'s value; the JVM lays out a superclass's fields first. */
abstract class PaddedFlagBefore {
    /** Fills the gap after the object header, where the JVM would otherwise place a subclass's int. */
    int gap;

    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;
}

/** The value of a {@link PaddedFlag}. */
abstract class PaddedFlagValue extends PaddedFlagBefore {
    volatile int value;
}

/**
 * An int flag alone on its cache lines (128 bytes of padding on each side, for CPUs that fetch lines in pairs), for
 * a field one thread writes at a high rate while another thread reads its neighbours: without the padding every
 * write would take the line away from the reader. Used as a writers' spin lock by {@link ShmOutbound}, as
 * the reading flag of {@link ShmInbound}, and by {@link ShmPoller}.
 */
final class PaddedFlag extends PaddedFlagValue {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(PaddedFlagValue.class, "value", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15, q16;

    boolean compareAndSet(int expected, int next) {
        return VALUE.compareAndSet(this, expected, next);
    }

    int getOpaque() {
        return (int) VALUE.getOpaque(this);
    }

    void setRelease(int next) {
        VALUE.setRelease(this, next);
    }
}
