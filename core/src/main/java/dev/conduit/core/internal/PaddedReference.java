package dev.conduit.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/** Cache-line padding in front of a {@link PaddedReference}'s value; the JVM lays out a superclass's fields first. */
abstract class PaddedReferenceBefore {
    /** Fills the gap after the object header, where the JVM would otherwise place a subclass's small field. */
    int gap;

    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;
}

/** The value of a {@link PaddedReference}. */
abstract class PaddedReferenceValue extends PaddedReferenceBefore {
    volatile @Nullable Object value;
}

/**
 * A volatile reference alone on its cache lines (128 bytes of padding on each side, for CPUs that fetch lines in
 * pairs). For a field that one thread writes for every message while another thread reads the fields that would
 * otherwise share its line: without the padding each write takes that line away from the reader.
 */
final class PaddedReference<V> extends PaddedReferenceValue {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(PaddedReferenceValue.class, "value", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15, q16;

    @SuppressWarnings("unchecked")
    @Nullable
    V get() {
        return (V) value;
    }

    void set(@Nullable V v) {
        value = v;
    }

    boolean compareAndSet(@Nullable V expected, @Nullable V next) {
        return VALUE.compareAndSet(this, expected, next);
    }

    @SuppressWarnings("unchecked")
    @Nullable
    V getAndSet(@Nullable V next) {
        return (V) VALUE.getAndSet(this, next);
    }
}
