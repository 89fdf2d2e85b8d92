package dev.conduit.core;

/**
 * A frame larger than the channel's {@code maxFrame} limit. Raised before anything of the claimed size is allocated;
 * the message names both the limit and the claimed size.
 */
public final class FrameTooLargeException extends FramingException {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    /**
     * Creates the exception.
     *
     * @param size the size the frame claims (or, for line framing, the bytes read without finding a newline)
     * @param limit the channel's maximum frame size
     * @param what what was too large, for example {@code "frame"} or {@code "line"}
     */
    public FrameTooLargeException(long size, long limit, String what) {
        this(size, limit, what, "maxFrame=" + limit);
    }

    /**
     * Creates the exception for a limit other than {@code maxFrame}, such as the largest UDP datagram.
     *
     * @param size the size of what was too large
     * @param limit the limit exceeded
     * @param what what was too large, for example {@code "datagram"}
     * @param limitName what the limit is, for the message, for example {@code "the largest UDP payload over IPv4"}
     */
    public FrameTooLargeException(long size, long limit, String what, String limitName) {
        super(what + " of " + size + " bytes exceeds the limit of " + limit + " bytes (" + limitName + ")");
        this.size = size;
        this.limit = limit;
    }

    /** The claimed size, in bytes. */
    public long size() {
        return size;
    }

    /** The limit that was exceeded, in bytes. */
    public long limit() {
        return limit;
    }
}
