package dev.conduit.core;

import java.util.Locale;

/**
 * How a byte stream is cut into messages. The byte layouts are documented in {@code docs/wire-format.md}.
 *
 * <p>Stream transports (tcp, unix, pipe, fifo) default to {@link #LENGTH}; transports that keep message boundaries
 * (inproc, udp, shm) use {@link #NONE}. Choose one per endpoint with {@code ?framing=length|line|none}.
 */
public enum Framing {
    /** Each message is preceded by its length as a 4-byte big-endian signed integer (0 to {@code maxFrame}). */
    LENGTH,
    /**
     * Each message is followed by {@code '\n'}; a {@code '\r'} just before it is dropped on receive. Messages must not
     * contain {@code '\n'}. Interoperates with {@code nc}, {@code socat} and shell scripts.
     */
    LINE,
    /** The transport keeps message boundaries itself; one message is one datagram, record or object. */
    NONE;

    /** The name used in URIs: {@code length}, {@code line} or {@code none}. */
    public String uriName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
