package dev.conduit.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.ipc.internal.Unmapper;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MemoryFaults#deliverPending()} against a real fault: a read of a mapped page whose file was truncated, made
 * from compiled code, where the JVM throws the fault asynchronously. The poller relies on the fault surfacing by the
 * time {@code deliverPending} returns, in code that attributes it, never later in another link's code.
 */
class MemoryFaultsTest {
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    @Test
    void aFaultPendingFromCompiledCodeIsThrownByTheTimeDeliverPendingReturns() throws Exception {
        MappedByteBuffer map;
        try (FileChannel file = FileChannel.open(
                dir.resolve("segment"),
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.allocate(2 * PAGE), 0);
            map = file.map(FileChannel.MapMode.READ_WRITE, 0, 2 * PAGE);
            map.putLong(PAGE, 42);
            long warm = 0;
            for (int i = 0; i < 200_000; i++) {
                // Compiled (C1, then C2) long before the loop ends, both branches taken: no uncommon trap later.
                warm += probe(map, (i & 1) * PAGE, (i & 2) == 0);
            }
            assertThat(warm).as("what the warm-up read").isEqualTo(100_000L * 42);
            file.truncate(0);
        }
        InternalError fault = null;
        long afterTruncation = 0;
        try {
            // From here to the catch nothing calls into the VM but deliverPending: the compiled probe is linked, and
            // a pending fault that deliverPending does not throw would surface in the finally instead (test error).
            afterTruncation = probe(map, PAGE, true);
        } catch (InternalError e) {
            fault = e;
        } finally {
            Unmapper.unmap(map);
        }
        assertThat(fault)
                .as("the fault of a read past the truncated file's end (the read returned %d)", afterTruncation)
                .isNotNull();
        assertThat(MemoryFaults.isMemoryFault(fault))
                .as("recognised as a memory fault: %s", fault)
                .isTrue();
        assertThat(MemoryFaults.isMemoryFault(new InternalError("something else")))
                .isFalse();
    }

    /** A read of mapped memory, then deliverPending in the same compiled code, as the poller does. */
    private static long probe(MappedByteBuffer map, int offset, boolean deliver) {
        long value = map.getLong(offset);
        if (deliver) {
            MemoryFaults.deliverPending();
        }
        return value;
    }
}
