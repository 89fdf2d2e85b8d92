package dev.conduit.core;

/**
 * A snapshot of what a {@link Conduit} runtime holds.
 *
 * @param openChannels channels not yet fully closed
 * @param openListeners listeners not yet closed
 * @param pooledBuffers buffers of the runtime's pool in use or cached by its threads; 0 once the runtime is closed
 * @param directMemory bytes of direct memory the pool has reserved
 */
public record RuntimeStats(int openChannels, int openListeners, long pooledBuffers, long directMemory) {}
