package dev.conduit.ipc;

import dev.conduit.core.Option;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code fifo://} endpoints, beyond {@link dev.conduit.core.ChannelOptions}.
 *
 * <pre>{@code
 * fifo:///run/app/requests?mode=0660&framing=line
 * }</pre>
 *
 * <p>A {@code fifo:///run/app/requests} endpoint is three files: {@code requests.c2s} (client to server) and {@code
 * requests.s2c} (server to client), the two named pipes, and {@code requests.lock}, which the listener and its one
 * connected peer lock so that a second peer is turned away instead of mixing its bytes into the stream. Immutable
 * constants; safe to share between threads.
 */
public final class FifoOptions {
    private FifoOptions() {}

    /** Permissions of the FIFOs and the lock file a listener creates, in octal; default {@code 0600} (owner only). */
    public static final Option<Integer> MODE = Option.of(
            "mode",
            0600,
            "an octal file mode from 0000 to 0777, for example 0600 or 0660",
            "permissions of the FIFOs a listener creates (default 0600, owner only)",
            UnixOptions::parseMode,
            UnixOptions::formatMode);

    /**
     * How long a listener waits for a peer that opened {@code c2s} to open {@code s2c} too; default 2 s. A listener
     * serves one peer at a time, so a peer that opens one FIFO and then dies or stalls delays the next peer by this
     * much.
     */
    public static final Option<Duration> HELLO_TIMEOUT = Option.duration(
            "helloTimeout", Duration.ofSeconds(2), "how long a listener waits for a peer to finish opening the FIFOs");

    /** Every {@code fifo://} option. */
    public static final List<Option<?>> ALL = List.of(MODE, HELLO_TIMEOUT);
}
