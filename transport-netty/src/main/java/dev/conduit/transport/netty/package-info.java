/**
 * Netty plumbing shared by Conduit's Netty-based transports (tcp and unix): engine selection, event loop groups owned
 * by the runtime, and {@link dev.conduit.transport.netty.NettyLink}, which turns a Netty channel into a {@link
 * dev.conduit.core.spi.Link}. Transport-neutral: it knows Netty, not TCP or Unix sockets.
 */
@NullMarked
package dev.conduit.transport.netty;

import org.jspecify.annotations.NullMarked;
