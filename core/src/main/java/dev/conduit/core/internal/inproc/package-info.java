/**
 * The {@code inproc://name} transport: channels between threads of one JVM, with no sockets. It is the reference
 * implementation of the transport SPI, and the fastest way to test code written against {@link
 * dev.conduit.core.Channel}.
 */
@NullMarked
package dev.conduit.core.internal.inproc;

import org.jspecify.annotations.NullMarked;
