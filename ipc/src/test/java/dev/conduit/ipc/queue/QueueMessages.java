package dev.conduit.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

/**
 * The messages the queue tests' processes append: {@code writer (int) | sequence (long) | pattern}, of a size and
 * content that derive from both, so that a reader can tell a whole, intact record from a torn or foreign one.
 */
final class QueueMessages {
    static final int HEADER = 12;

    private QueueMessages() {}

    static byte[] message(int writer, long sequence, int maxSize) {
        int size = HEADER + (int) Math.floorMod(writer * 131L + sequence * 17, (long) (maxSize - HEADER + 1));
        byte[] m = new byte[size];
        ByteBuffer.wrap(m).putInt(writer).putLong(sequence);
        for (int i = HEADER; i < size; i++) {
            m[i] = (byte) (writer * 31 + sequence * 7 + i);
        }
        return m;
    }

    static int writer(byte[] m) {
        return ByteBuffer.wrap(m).getInt(0);
    }

    static long sequence(byte[] m) {
        return ByteBuffer.wrap(m).getLong(4);
    }

    /** Asserts that {@code m} is exactly what its writer appended as its sequence. */
    static void assertIntact(byte[] m, int maxSize) {
        assertThat(m.length).as("message length").isGreaterThanOrEqualTo(HEADER);
        assertThat(m)
                .as("content of message %d of writer %d", sequence(m), writer(m))
                .isEqualTo(message(writer(m), sequence(m), maxSize));
    }
}
