package dev.conduit.rpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Key-value pairs sent with a call: request headers from client to server, trailers from server to client with the
 * status. A key may have several values, kept in the order they were added.
 *
 * <p>Keys are 1 to 255 characters of {@code a-z 0-9 - _ .} (lower case, as in gRPC). Keys ending in {@code -bin}
 * carry binary values ({@link #putBinary}); other keys carry text ({@link #put}), sent as UTF-8. A value is at most
 * 65535 bytes.
 *
 * <p>Not thread-safe: a metadata object belongs to one call at a time. Calls copy the headers they are given.
 */
public final class Metadata {
    /** The largest value, in bytes, that the wire format carries. */
    public static final int MAX_VALUE_BYTES = 0xFFFF;

    private static final String[] NO_KEYS = {};
    private static final byte[][] NO_VALUES = {};

    // Parallel arrays made on the first entry: most calls carry no headers and no trailers, and an empty metadata
    // object then costs one small object instead of two lists and their arrays.
    private String[] keys = NO_KEYS;
    private byte[][] values = NO_VALUES;
    private int size;

    /** Empty metadata. */
    public Metadata() {}

    private Metadata(Metadata other) {
        if (other.size > 0) {
            this.keys = Arrays.copyOf(other.keys, other.size);
            this.values = Arrays.copyOf(other.values, other.size);
            this.size = other.size;
        }
    }

    /** Metadata with one text entry. */
    public static Metadata of(String key, String value) {
        return new Metadata().put(key, value);
    }

    /**
     * Adds a text value.
     *
     * @throws IllegalArgumentException if the key is malformed or ends in {@code -bin}, or the value is too long
     */
    public Metadata put(String key, String value) {
        checkKey(key, false);
        return add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds a binary value; the key must end in {@code -bin}. The array is copied.
     *
     * @throws IllegalArgumentException if the key is malformed or does not end in {@code -bin}, or the value is too
     *     long
     */
    public Metadata putBinary(String key, byte[] value) {
        checkKey(key, true);
        return add(key, value.clone());
    }

    private Metadata add(String key, byte[] value) {
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException(
                    "metadata value for '" + key + "' is " + value.length + " bytes; the limit is " + MAX_VALUE_BYTES);
        }
        ensureRoom(1);
        keys[size] = key;
        values[size] = value;
        size++;
        return this;
    }

    private void ensureRoom(int more) {
        int needed = size + more;
        if (needed > keys.length) {
            int capacity = Math.max(needed, Math.max(4, keys.length * 2));
            keys = Arrays.copyOf(keys, capacity);
            values = Arrays.copyOf(values, capacity);
        }
    }

    /** The last text value of {@code key}, or {@code null} if it has none. */
    public @Nullable String get(String key) {
        for (int i = size - 1; i >= 0; i--) {
            if (keys[i].equals(key)) {
                return new String(values[i], StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Every text value of {@code key}, in order; empty if none. */
    public List<String> getAll(String key) {
        List<String> all = new ArrayList<>(1);
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                all.add(new String(values[i], StandardCharsets.UTF_8));
            }
        }
        return all;
    }

    /** The last binary value of {@code key} (a copy), or {@code null} if it has none. */
    public byte @Nullable [] getBinary(String key) {
        for (int i = size - 1; i >= 0; i--) {
            if (keys[i].equals(key)) {
                return values[i].clone();
            }
        }
        return null;
    }

    /** Whether {@code key} has at least one value. */
    public boolean containsKey(String key) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** Removes every value of {@code key}; returns this. */
    public Metadata remove(String key) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!keys[i].equals(key)) {
                keys[kept] = keys[i];
                values[kept] = values[i];
                kept++;
            }
        }
        Arrays.fill(keys, kept, size, null);
        Arrays.fill(values, kept, size, null);
        size = kept;
        return this;
    }

    /** Adds every entry of {@code other} after this one's; returns this. */
    public Metadata merge(Metadata other) {
        int n = other.size;
        if (n > 0) {
            ensureRoom(n);
            System.arraycopy(other.keys, 0, keys, size, n);
            System.arraycopy(other.values, 0, values, size, n);
            size += n;
        }
        return this;
    }

    /** The distinct keys, in the order first added. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(
                new LinkedHashSet<>(Arrays.asList(keys).subList(0, size)));
    }

    /** The number of entries (a key with two values counts twice). */
    public int size() {
        return size;
    }

    /** Whether there are no entries. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** An independent copy. */
    public Metadata copy() {
        return new Metadata(this);
    }

    /** The key of entry {@code index} ({@code 0 <= index < size()}), for visiting every entry in order. */
    public String keyAt(int index) {
        return keys[Objects.checkIndex(index, size)];
    }

    /** The value of entry {@code index} as bytes (UTF-8 for text keys), a copy. */
    public byte[] valueBytesAt(int index) {
        return values[Objects.checkIndex(index, size)].clone();
    }

    private static void checkKey(String key, boolean binary) {
        int n = key.length();
        if (n == 0 || n > 255) {
            throw new IllegalArgumentException("metadata key '" + key + "' must have 1 to 255 characters");
        }
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
                throw new IllegalArgumentException(
                        "metadata key '" + key + "' has '" + c + "'; keys are lower-case a-z, 0-9, '-', '_', '.'");
            }
        }
        if (key.endsWith("-bin") != binary) {
            throw new IllegalArgumentException(
                    binary
                            ? "binary metadata keys end in -bin: '" + key + "'"
                            : "metadata key '" + key + "' ends in -bin: use putBinary");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Metadata{");
        for (int i = 0; i < size; i++) {
            String k = keys[i];
            sb.append(i == 0 ? "" : ", ").append(k).append('=');
            sb.append(k.endsWith("-bin") ? values[i].length + " bytes" : get(i));
        }
        return sb.append('}').toString();
    }

    private String get(int i) {
        return new String(values[i], StandardCharsets.UTF_8);
    }
}
