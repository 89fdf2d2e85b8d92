/**
 * The worker-pool example: a parent spawns worker processes over {@code pipe:} and spreads requests over them ({@link
 * dev.conduit.examples.workers.WorkerPool}); each worker serves its parent on its own stdin and stdout ({@link
 * dev.conduit.examples.workers.Worker}).
 */
@NullMarked
package dev.conduit.examples.workers;

import org.jspecify.annotations.NullMarked;
