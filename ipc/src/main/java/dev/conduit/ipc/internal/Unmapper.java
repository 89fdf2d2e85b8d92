package dev.conduit.ipc.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unmaps a {@link java.nio.MappedByteBuffer} at once, for the shm segments and the queue's files. Java 17 has no
 * supported way (Java 22's {@code Arena} has), so this calls {@code sun.misc.Unsafe.invokeCleaner} from module {@code
 * jdk.unsupported}, which every JDK ships and the class path reads without flags; Agrona's {@code IoUtil.unmap} does
 * the same. Where it is missing the mapping is left to the garbage collector, as before, and that is logged once.
 *
 * <p>Thread-safe, but the caller must guarantee that no thread touches the buffer, or any view of it, afterwards: an
 * access to an unmapped page crashes the JVM. Each mapping has one owner, which unmaps it under its own exclusion.
 */
public final class Unmapper {
    private static final Logger log = LoggerFactory.getLogger(Unmapper.class);
    private static final @Nullable MethodHandle INVOKE_CLEANER = find();

    private Unmapper() {}

    private static @Nullable MethodHandle find() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            return MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn(
                    "sun.misc.Unsafe.invokeCleaner is not available ({}); mapped shm segments and queue files stay"
                            + " mapped until their buffers are garbage collected",
                    e.toString());
            return null;
        }
    }

    /** Whether {@link #unmap} releases memory at once here. */
    public static boolean available() {
        return INVOKE_CLEANER != null;
    }

    /** Unmaps {@code mapped}, which must be the buffer {@code FileChannel.map} returned (not a slice or duplicate). */
    public static void unmap(ByteBuffer mapped) {
        MethodHandle cleaner = INVOKE_CLEANER;
        if (cleaner == null) {
            return;
        }
        try {
            cleaner.invokeExact(mapped);
        } catch (Throwable e) {
            log.warn("unmapping a mapped file failed; it stays mapped until collected", e);
        }
    }
}
