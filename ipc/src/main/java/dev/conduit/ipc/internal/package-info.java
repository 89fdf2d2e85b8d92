/** Machinery shared by the ipc transports: user ids of this process, of files and of socket peers. */
@NullMarked
package dev.conduit.ipc.internal;

import org.jspecify.annotations.NullMarked;
