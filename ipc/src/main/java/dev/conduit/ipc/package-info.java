/**
 * Conduit's inter-process transports on one host: Unix domain sockets ({@code unix:///path.sock}, {@code
 * unix:@abstract}), a child process's stdin and stdout ({@code pipe:}) and named pipes ({@code fifo:///path}). Add
 * {@code dev.conduit:conduit-ipc} to the classpath and these schemes work through {@link dev.conduit.core.Conduit}.
 *
 * <p>This package holds the small public surface: typed options ({@link dev.conduit.ipc.UnixOptions}, {@link
 * dev.conduit.ipc.PipeOptions}, {@link dev.conduit.ipc.FifoOptions}), the peer credentials of a Unix socket ({@link
 * dev.conduit.ipc.PeerCredentials}) and the child-process API ({@link dev.conduit.ipc.Pipes}). The machinery lives in
 * {@code *.internal} packages. See {@code docs/ipc.md} for the design and the threading of each transport.
 */
@NullMarked
package dev.conduit.ipc;

import org.jspecify.annotations.NullMarked;
