/**
 * Conduit's machinery: the channel and listener implementations, the transport registry and the runtime's
 * resources. Not API: anything here may change in any release.
 *
 * <p>See {@code core/CONCURRENCY.md} for the channel's threading design.
 */
@NullMarked
package dev.conduit.core.internal;

import org.jspecify.annotations.NullMarked;
