package dev.conduit.core;

/**
 * A send was refused because the channel's outbound buffer already holds {@code sendLimit} bytes that the transport
 * has not taken yet. Nothing was queued; wait for {@link Channel#whenWritable()} and send again.
 */
public final class BackpressureException extends ConduitException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception naming the pending bytes and the limit. */
    public BackpressureException(long pendingBytes, long limit) {
        super("outbound buffer full: " + pendingBytes + " bytes pending, sendLimit=" + limit
                + "; wait for Channel.whenWritable() before sending more");
    }
}
