package dev.conduit.core;

import java.util.Locale;

/**
 * How a thread waits for the next message; the {@code ?idle=} option, which means the same on every transport.
 *
 * <p>On our 2-vCPU VMs a kernel wake-up costs about 30 µs, so {@link #SPIN} is what turns a 70 µs TCP round trip
 * into about 15 µs, at the price of a busy core per waiting thread.
 */
public enum Idle {
    /** Sleep in the kernel until woken. No CPU when idle; the socket default. */
    BLOCK,
    /** Spin, then yield, then park. Low latency under load and no CPU burnt when idle; the shared-memory default. */
    BACKOFF,
    /** Busy-poll. Lowest latency; burns a core for each waiting thread or event loop. */
    SPIN;

    /** The name used in URIs: {@code block}, {@code backoff} or {@code spin}. */
    public String uriName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
