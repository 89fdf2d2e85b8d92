/**
 * A {@link dev.conduit.core.spi.Link} over blocking byte streams, shared by {@code pipe:} and {@code fifo://}: a
 * reader thread and a writer thread per link, the transport-specific ends behind {@link
 * dev.conduit.ipc.stream.internal.StreamEnds}. See {@code docs/ipc.md} for the threading.
 */
@NullMarked
package dev.conduit.ipc.stream.internal;

import org.jspecify.annotations.NullMarked;
