/**
 * The durable queue, {@code queue:///abs/dir}: a memory-mapped journal in a directory that any number of processes
 * append to, and that named readers read from at their own pace, each resuming where it stopped; no broker, no
 * daemon. It works through {@link dev.conduit.core.Conduit#connect}: {@code send} appends, and with {@code
 * ?reader=NAME} {@code receive} and {@code onMessage} deliver from that reader's stored position. This package holds
 * the options ({@link dev.conduit.ipc.queue.QueueOptions}), the administration of a queue ({@link
 * dev.conduit.ipc.queue.Queues}) and the error of a reader that lost records to retention ({@link
 * dev.conduit.ipc.queue.RecordsLostException}). The design is described in {@code ipc/QUEUE.md}.
 */
@NullMarked
package dev.conduit.ipc.queue;

import org.jspecify.annotations.NullMarked;
