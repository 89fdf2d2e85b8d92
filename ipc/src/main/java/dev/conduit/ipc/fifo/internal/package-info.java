/**
 * The {@code fifo://} transport: a pair of named pipes between unrelated processes, one peer at a time, carried by a
 * {@link dev.conduit.ipc.stream.internal.StreamLink}. See {@link dev.conduit.ipc.fifo.internal.FifoHandshake} for
 * how a listener and a peer find each other, and why a second peer never gets in.
 */
@NullMarked
package dev.conduit.ipc.fifo.internal;

import org.jspecify.annotations.NullMarked;
