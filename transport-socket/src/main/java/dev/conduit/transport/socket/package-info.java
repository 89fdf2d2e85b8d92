/**
 * Conduit's socket transports: {@code tcp://host:port} (and {@code tcps://} for TLS) and {@code udp://host:port},
 * served by Netty with the best I/O engine of the platform. Adding {@code conduit-transport-socket} to the classpath
 * is all it takes for these schemes to work with {@link dev.conduit.core.Conduit}.
 *
 * <p>This package holds the small public surface: the endpoint options of each transport ({@link TcpOptions}, {@link
 * TlsOptions}, {@link ReconnectOptions}, {@link UdpOptions}), the facts a channel or listener reports ({@link
 * SocketProperties}) and the reconnection and multicast handles. TLS contexts built in code travel as attributes
 * ({@link TlsOptions#SERVER_CONTEXT}, {@link TlsOptions#CLIENT_CONTEXT}). See {@code docs/socket.md} for a guide.
 */
@NullMarked
package dev.conduit.transport.socket;

import org.jspecify.annotations.NullMarked;
