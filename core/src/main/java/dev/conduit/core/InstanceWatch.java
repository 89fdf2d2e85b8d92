package dev.conduit.core;

import java.util.List;

/**
 * The instances that serve one endpoint, kept up to date: what a client needs to spread its load over every instance
 * behind a name (the listeners of a {@code nats://} subject) instead of the one a connect would reach. Made by
 * {@link Conduit#watchInstances}; each endpoint it lists reaches exactly one instance.
 *
 * <p>Thread-safe. The caller owns it: {@link #close()} stops watching (closing the runtime does too).
 */
public interface InstanceWatch extends AutoCloseable {

    /** The instances known now; never empty (with none known, the watched endpoint itself). */
    List<Endpoint> instances();

    /** Stops watching; no change is reported after it returns. Idempotent. */
    @Override
    void close();
}
