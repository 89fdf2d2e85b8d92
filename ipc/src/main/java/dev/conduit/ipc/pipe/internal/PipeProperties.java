package dev.conduit.ipc.pipe.internal;

import dev.conduit.core.Property;

/**
 * The channel properties a {@code pipe:} link reports. Defined here, below the public {@code Pipes} that hands them
 * to users, so that the transport needs nothing from the API above it. Constants only; thread-safe.
 */
public final class PipeProperties {
    private PipeProperties() {}

    /** The child process of a {@code pipe:} channel opened by its parent; published as {@code Pipes.PROCESS}. */
    public static final Property<ProcessHandle> PROCESS = Property.of("pipe.process", ProcessHandle.class);
}
