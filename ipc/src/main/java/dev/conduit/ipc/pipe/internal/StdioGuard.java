package dev.conduit.ipc.pipe.internal;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who owns this process's stdin and stdout. A {@code pipe:} listener claims them once per process; from then on
 * {@code System.out} is {@code System.err} (stray prints land on stderr instead of corrupting frames) and {@code
 * System.in} is a stream that yields no bytes, whose reads wait until the channel has closed and then report the end
 * of the stream.
 */
final class StdioGuard {
    private enum State {
        FREE,
        IN_USE,
        DONE
    }

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition RELEASED = LOCK.newCondition();
    private static State state = State.FREE;

    private StdioGuard() {}

    /**
     * Claims stdin and stdout and redirects {@code System.out} and {@code System.in}.
     *
     * @throws IllegalStateException if they serve, or served, a channel already
     */
    static void claim() {
        LOCK.lock();
        try {
            if (state != State.FREE) {
                throw new IllegalStateException(
                        state == State.IN_USE
                                ? "this process's stdin and stdout already carry a pipe: channel"
                                : "this process's stdin and stdout carried a pipe: channel that has closed;"
                                        + " they serve one channel per process");
            }
            state = State.IN_USE;
        } finally {
            LOCK.unlock();
        }
        PrintStream original = System.out;
        // What was printed before the claim goes out now, ahead of any frame, rather than in the middle of one.
        original.flush();
        System.setOut(System.err);
        System.setIn(new ClosedUntilReleased());
    }

    /** Stdin and stdout are done: waiting {@code System.in} readers see the end of the stream. */
    static void release() {
        LOCK.lock();
        try {
            state = State.DONE;
            RELEASED.signalAll();
        } finally {
            LOCK.unlock();
        }
    }

    /** {@code System.in} while the channel owns stdin. */
    private static final class ClosedUntilReleased extends InputStream {
        @Override
        public int read() throws InterruptedIOException {
            LOCK.lock();
            try {
                while (state == State.IN_USE) {
                    RELEASED.await();
                }
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while stdin serves a pipe: channel");
            } finally {
                LOCK.unlock();
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws InterruptedIOException {
            return len == 0 ? 0 : read();
        }
    }
}
