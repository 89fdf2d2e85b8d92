package dev.conduit.ipc.queue;

import dev.conduit.core.ConduitException;

/**
 * A named reader lost records it had not read: the segments holding them were deleted, by retention because the
 * queue's {@code retainBytes} budget forced it, or by hand. The reader's channel closes with this error; its stored
 * position has already moved to the oldest record left, where its next channel resumes.
 */
public final class RecordsLostException extends ConduitException {
    private static final long serialVersionUID = 1L;

    private final long firstLost;
    private final long resumeAt;

    /** Creates the exception; {@code message} names the queue, the reader and both indices. */
    public RecordsLostException(String message, long firstLost, long resumeAt) {
        super(message);
        this.firstLost = firstLost;
        this.resumeAt = resumeAt;
    }

    /** The index of the first record lost. */
    public long firstLost() {
        return firstLost;
    }

    /** The index of the oldest record left, where the reader resumes. */
    public long resumeAt() {
        return resumeAt;
    }
}
