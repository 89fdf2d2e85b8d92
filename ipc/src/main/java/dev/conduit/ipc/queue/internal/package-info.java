/**
 * The machinery of {@code queue://}: the segment layout ({@link dev.conduit.ipc.queue.internal.SegmentDescriptor}),
 * appenders and tailers, reader files, recovery of dead writers' claims, retention, and the poller, preparer and sync
 * threads. Not an API; the design is described in {@code ipc/QUEUE.md}.
 */
@NullMarked
package dev.conduit.ipc.queue.internal;

import org.jspecify.annotations.NullMarked;
