/**
 * Conduit's public API: one {@link dev.conduit.core.Channel} for every way two processes talk.
 *
 * <p>A {@link dev.conduit.core.Conduit} runtime connects and listens on {@link dev.conduit.core.Endpoint endpoints}
 * named by URI ({@code inproc://name}, {@code tcp://host:port}, {@code unix:///path.sock}, {@code shm://name}, ...).
 * A {@link dev.conduit.core.Codec} turns messages into bytes. Transports are found at run time by URI scheme, so
 * adding a transport module to the classpath is all it takes for its scheme to work.
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.conduit.core;

import org.jspecify.annotations.NullMarked;
