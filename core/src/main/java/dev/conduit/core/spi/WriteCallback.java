package dev.conduit.core.spi;

import org.jspecify.annotations.Nullable;

/** Told by a transport when a frame given to {@link Link#write} has been taken, or could not be. */
@FunctionalInterface
public interface WriteCallback {

    /** Called exactly once per write: {@code error} is null on success. May be called on any thread. */
    void writeComplete(@Nullable Throwable error);
}
