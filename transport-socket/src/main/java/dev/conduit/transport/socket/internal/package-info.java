/**
 * The machinery of the socket transports: Netty bootstraps and pipelines for tcp and udp, TLS setup, reconnection and
 * per-sender UDP links. Nothing here is API; see {@code dev.conduit.transport.socket} and {@code docs/socket.md}.
 */
@NullMarked
package dev.conduit.transport.socket.internal;

import org.jspecify.annotations.NullMarked;
