package dev.conduit.ipc.pipe.internal;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Who owns this process's stdin and stdout. A {@code pipe:} listener claims them once per process; while its channel
 * is open {@code System.out} is {@code System.err} (stray prints land on stderr instead of corrupting frames) and
 * {@code System.in} is a stream that yields no bytes, whose reads wait until the channel has closed and then report
 * the end of the stream. When the channel closes, {@code System.out} is the stream it was before the claim again.
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
    /** {@code System.out} before the claim, and what the claim set it to; guarded by {@link #LOCK}. */
    private static @Nullable PrintStream originalOut;

    private static @Nullable PrintStream redirectedOut;

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
        PrintStream redirected = System.err;
        LOCK.lock();
        try {
            originalOut = original;
            redirectedOut = redirected;
        } finally {
            LOCK.unlock();
        }
        System.setOut(redirected);
        System.setIn(new ClosedUntilReleased());
    }

    /**
     * Stdin and stdout are done: waiting {@code System.in} readers see the end of the stream, and {@code System.out}
     * is what it was before the claim (unless the program has set it to something else meanwhile).
     */
    static void release() {
        LOCK.lock();
        try {
            state = State.DONE;
            RELEASED.signalAll();
            if (originalOut != null && System.out == redirectedOut) {
                System.setOut(originalOut);
            }
            originalOut = null;
            redirectedOut = null;
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
