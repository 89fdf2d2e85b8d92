/**
 * The shared-memory transport, {@code shm://name}: channels between processes of one host through mapped rings, the
 * fastest path Conduit has. Adding {@code conduit-ipc} to the classpath is all it takes; this package holds only its
 * options ({@link dev.conduit.ipc.shm.ShmOptions}). The design is described in {@code ipc/SHM.md}.
 */
@NullMarked
package dev.conduit.ipc.shm;

import org.jspecify.annotations.NullMarked;
