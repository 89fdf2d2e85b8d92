package dev.conduit.ipc.queue.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unmaps a {@link MappedByteBuffer} now instead of when the collector finds it: a queue maps a new segment every few
 * tens of megabytes, and a process that appends without allocating may not collect for hours, keeping every old
 * mapping (and the disk space of segments retention deleted) alive. Java 17 offers this only through {@code
 * sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}), reached by reflection so that nothing in the build
 * depends on it; where it is missing, mappings are left to the collector as before.
 *
 * <p>The caller must guarantee that no thread touches the buffer, or any view of it, afterwards: an access to an
 * unmapped page crashes the JVM. Each queue mapping has one owner that unmaps it under its own exclusion.
 */
final class Unmapper {
    private static final Logger log = LoggerFactory.getLogger(Unmapper.class);
    private static final @Nullable MethodHandle INVOKE_CLEANER = find();

    private Unmapper() {}

    static void unmap(MappedByteBuffer buffer) {
        MethodHandle cleaner = INVOKE_CLEANER;
        if (cleaner == null) {
            return;
        }
        try {
            cleaner.invokeExact((ByteBuffer) buffer);
        } catch (Throwable e) {
            log.debug("could not unmap a queue segment; the collector will", e);
        }
    }

    private static @Nullable MethodHandle find() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            MethodHandle method = MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class));
            return method.bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug(
                    "sun.misc.Unsafe.invokeCleaner is not available; queue segments are unmapped by the collector", e);
            return null;
        }
    }
}
