package dev.conduit.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Objects built in code that a URI cannot carry, such as a Netty {@code SslContext} or a {@link ProcessBuilder}: a
 * small immutable map from typed {@link Key keys} to values. They travel with one call, attached to its {@link
 * Endpoint} ({@link Endpoint#with(Key, Object)}), or belong to one runtime ({@link Conduit.Builder#attribute}), which
 * offers them to every call it makes; nothing is registered JVM-wide, so two runtimes never see each other's objects.
 * A transport reads them from {@link dev.conduit.core.spi.LinkConfig#attributes()}, the call's over the runtime's.
 *
 * <pre>{@code
 * Endpoint server = Endpoint.parse("tcps://127.0.0.1:0").with(TlsOptions.SERVER_CONTEXT, sslContext);
 * conduit.listen(server, codec, onAccept);
 * }</pre>
 *
 * <p>Transports declare their keys as constants beside their options. Attributes never appear in an endpoint's URI
 * or its printed form, only their keys' names do in {@link #toString()}. Immutable and thread-safe; the values are
 * shared, not copied, and the caller keeps owning them (closing one that is closeable, for example).
 */
public final class Attributes {
    private static final Attributes EMPTY = new Attributes(Map.of());

    private final Map<Key<?>, Object> values;

    private Attributes(Map<Key<?>, Object> values) {
        this.values = values;
    }

    /** No attributes. */
    public static Attributes empty() {
        return EMPTY;
    }

    /** One attribute. */
    public static <T> Attributes of(Key<T> key, T value) {
        return EMPTY.with(key, value);
    }

    /** The value under {@code key}, or null. */
    public <T> @Nullable T get(Key<T> key) {
        return key.type.cast(values.get(key));
    }

    /** A copy with {@code value} under {@code key}, replacing any value there. */
    public <T> Attributes with(Key<T> key, T value) {
        Objects.requireNonNull(key, "key");
        Map<Key<?>, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, key.type.cast(Objects.requireNonNull(value, "value")));
        return new Attributes(Collections.unmodifiableMap(copy));
    }

    /**
     * These attributes over {@code defaults}: every value of this map, and those of {@code defaults} under keys this
     * map lacks. How a call's attributes combine with its runtime's.
     */
    public Attributes over(Attributes defaults) {
        if (defaults.values.isEmpty()) {
            return this;
        }
        if (values.isEmpty()) {
            return defaults;
        }
        Map<Key<?>, Object> merged = new LinkedHashMap<>(defaults.values);
        merged.putAll(values);
        return new Attributes(Collections.unmodifiableMap(merged));
    }

    /** The keys that have values. */
    public Set<Key<?>> keys() {
        return values.keySet();
    }

    /** Whether there are none. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Equal when the keys are the same and their values are equal. */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Attributes other && other.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** The keys' names only: values may hold keys or other secrets and are never printed. */
    @Override
    public String toString() {
        return values.keySet().stream().map(Key::name).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * A typed key. Keys are compared by identity, so two keys with one name are two keys: declare each once, as a
     * constant.
     *
     * @param <T> the type of its values
     */
    public static final class Key<T> {
        private final String name;
        private final Class<T> type;

        private Key(String name, Class<T> type) {
            this.name = name;
            this.type = type;
        }

        /** A new key; {@code name} says what it holds, for messages, such as {@code tls.serverContext}. */
        public static <T> Key<T> of(String name, Class<T> type) {
            return new Key<>(Objects.requireNonNull(name, "name"), Objects.requireNonNull(type, "type"));
        }

        /** The name, for messages. */
        public String name() {
            return name;
        }

        /** The type of its values. */
        public Class<T> type() {
            return type;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
