/**
 * The {@code unix://} transport: Netty domain sockets (epoll, io_uring or kqueue natively, NIO on JDK 16+), socket
 * files made owner-only and cleaned up, stale files replaced, peer credentials read from the kernel and filtered by
 * uid.
 */
@NullMarked
package dev.conduit.ipc.unix.internal;

import org.jspecify.annotations.NullMarked;
