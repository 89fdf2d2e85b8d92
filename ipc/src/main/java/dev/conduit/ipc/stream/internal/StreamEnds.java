package dev.conduit.ipc.stream.internal;

import dev.conduit.core.Property;
import org.jspecify.annotations.Nullable;

/**
 * The transport-specific ends of a {@link StreamLink}: the two byte streams and how to end them. For a child process
 * these are its stdout and stdin and the process itself; for a FIFO pair, two file channels and a lock.
 */
public interface StreamEnds {

    /** Where frames come from. */
    ByteSource source();

    /** Where frames go. */
    ByteSink sink();

    /**
     * Starts ending the connection: closes the output so that the peer sees end of stream, and makes sure the reader
     * stops blocking soon (by closing the input, or by ending the child whose output it reads). Idempotent; called from
     * any thread, possibly while the reader and writer are blocked.
     */
    void abort();

    /**
     * Called once on the reader thread after reading has ended and {@link #abort()} was called: waits, boundedly, for
     * whatever must end before the link reports itself closed (a child process), and says how the peer ended.
     *
     * @return a detail for a close by the peer, such as {@code "child process 42 exited with code 0"}, or null
     */
    @Nullable
    String awaitEnd();

    /** Releases what is left (file descriptors, locks). Called once, last, on the reader thread. */
    void release();

    /** A transport-specific fact, or null. */
    default <V> @Nullable V property(Property<V> key) {
        return null;
    }
}
