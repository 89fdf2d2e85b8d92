/**
 * The transport SPI: what a transport module implements so that its URI schemes work behind {@link
 * dev.conduit.core.Channel}.
 *
 * <p>A transport moves frames (whole messages as bytes); the runtime does the rest uniformly for every transport:
 * codecs, the {@code maxFrame} check on send, backpressure accounting, inbound queues, ordered serial delivery,
 * handler executors and close reasons. A transport is registered for {@link java.util.ServiceLoader} in {@code
 * META-INF/services/dev.conduit.core.spi.Transport}. The inproc transport ({@code
 * dev.conduit.core.internal.inproc}) is the reference implementation.
 *
 * <p>Threading contract: a transport calls a link's {@link dev.conduit.core.spi.LinkListener} from one thread at a
 * time, {@code onFrame} in arrival order and {@code onClosed} exactly once, last.
 */
@NullMarked
package dev.conduit.core.spi;

import org.jspecify.annotations.NullMarked;
