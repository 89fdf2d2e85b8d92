/**
 * The machinery of {@code shm://}: the ring layout ({@link dev.conduit.ipc.shm.internal.RingDescriptor}), segment
 * files, the control-socket handshake, links and the poller thread. Not an API.
 */
@NullMarked
package dev.conduit.ipc.shm.internal;

import org.jspecify.annotations.NullMarked;
