package dev.conduit.core;

import java.util.Objects;

/**
 * A typed key for facts a transport knows about a channel, such as the TLS peer certificate or a Unix socket peer's
 * credentials. Transports publish their keys as constants; see {@link Channel#property(Property)}.
 *
 * @param <V> the value type
 */
public final class Property<V> {
    private final String name;
    private final Class<V> type;

    private Property(String name, Class<V> type) {
        this.name = name;
        this.type = type;
    }

    /** A new key. Keys are compared by identity, so create each one once, as a constant. */
    public static <V> Property<V> of(String name, Class<V> type) {
        return new Property<>(Objects.requireNonNull(name), Objects.requireNonNull(type));
    }

    /** The key's name, for diagnostics. */
    public String name() {
        return name;
    }

    /** The value type. */
    public Class<V> type() {
        return type;
    }

    @Override
    public String toString() {
        return name;
    }
}
