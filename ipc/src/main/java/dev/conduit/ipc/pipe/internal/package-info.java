/**
 * The {@code pipe:} transport: a spawned child's stdin and stdout in the parent ({@link
 * dev.conduit.ipc.pipe.internal.ChildEnds}), the process's own stdin and stdout in the child ({@link
 * dev.conduit.ipc.pipe.internal.StdioEnds}), both carried by a {@link dev.conduit.ipc.stream.internal.StreamLink}.
 */
@NullMarked
package dev.conduit.ipc.pipe.internal;

import org.jspecify.annotations.NullMarked;
