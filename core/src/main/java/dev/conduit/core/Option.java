package dev.conduit.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A typed endpoint option: a URI query parameter ({@code ?maxFrame=65536}) with a parser, a default and a
 * description. Options are immutable and compared by name.
 *
 * <p>Common options live in {@link ChannelOptions}; transports define their own. Sizes accept a suffix {@code k},
 * {@code m} or {@code g} (powers of 1024); durations accept {@code ms}, {@code s} or {@code m}.
 *
 * @param <V> the option's value type
 */
public final class Option<V> {
    private final String name;
    private final @Nullable V defaultValue;
    private final String expected;
    private final String description;
    private final Function<String, V> parser;
    private final Function<V, String> formatter;

    private Option(
            String name,
            @Nullable V defaultValue,
            String expected,
            String description,
            Function<String, V> parser,
            Function<V, String> formatter) {
        if (!name.matches("[a-zA-Z][a-zA-Z0-9.]*")) {
            throw new IllegalArgumentException("option names are letters, digits and dots: " + name);
        }
        this.name = name;
        this.defaultValue = defaultValue;
        this.expected = expected;
        this.description = description;
        this.parser = parser;
        this.formatter = formatter;
    }

    /** An option of any type, with its own parser and formatter. {@code expected} describes valid values. */
    public static <V> Option<V> of(
            String name,
            @Nullable V defaultValue,
            String expected,
            String description,
            Function<String, V> parser,
            Function<V, String> formatter) {
        return new Option<>(name, defaultValue, expected, description, parser, formatter);
    }

    /** A byte size between {@code min} and {@code max}, written as {@code 65536}, {@code 64k} or {@code 16m}. */
    public static Option<Integer> size(String name, int defaultValue, int min, int max, String description) {
        String expected = "a size in bytes from " + min + " to " + max + " (suffix k, m or g allowed)";
        return new Option<>(
                name, defaultValue, expected, description, s -> parseSize(s, min, max), v -> Integer.toString(v));
    }

    /** An integer between {@code min} and {@code max}. */
    public static Option<Integer> integer(String name, int defaultValue, int min, int max, String description) {
        String expected = "an integer from " + min + " to " + max;
        return new Option<>(name, defaultValue, expected, description, s -> parseInt(s, min, max), String::valueOf);
    }

    /** {@code true} or {@code false}. */
    public static Option<Boolean> bool(String name, boolean defaultValue, String description) {
        return new Option<>(name, defaultValue, "true or false", description, Option::parseBool, String::valueOf);
    }

    /** A free-form string; {@code defaultValue} may be null to mean "not set". */
    public static Option<String> string(String name, @Nullable String defaultValue, String description) {
        return new Option<>(name, defaultValue, "a string", description, s -> s, s -> s);
    }

    /** A duration written as {@code 250ms}, {@code 10s} or {@code 2m}; a bare number is milliseconds. */
    public static Option<Duration> duration(String name, @Nullable Duration defaultValue, String description) {
        return new Option<>(
                name,
                defaultValue,
                "a duration such as 250ms, 10s or 2m",
                description,
                Option::parseDuration,
                d -> d.toMillis() + "ms");
    }

    /** One of an enum's constants, written in lower case; {@code defaultValue} may be null for "transport default". */
    public static <E extends Enum<E>> Option<E> choice(
            String name, Class<E> type, @Nullable E defaultValue, String description) {
        String names = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining("|"));
        return new Option<>(
                name,
                defaultValue,
                "one of " + names,
                description,
                s -> Enum.valueOf(type, s.toUpperCase(Locale.ROOT)),
                e -> e.name().toLowerCase(Locale.ROOT));
    }

    /** The name used in URIs. */
    public String name() {
        return name;
    }

    /** The value used when the endpoint does not set this option; null means the transport chooses. */
    public @Nullable V defaultValue() {
        return defaultValue;
    }

    /** What a valid value looks like, for error messages and help text. */
    public String expected() {
        return expected;
    }

    /** One line saying what the option does. */
    public String description() {
        return description;
    }

    /**
     * Parses a URI value.
     *
     * @throws EndpointException naming the option and what was expected
     */
    public V parse(String text) {
        try {
            return Objects.requireNonNull(parser.apply(text.trim()));
        } catch (RuntimeException e) {
            String shown = Endpoint.isSecret(name) ? "***" : text;
            throw new EndpointException("option " + name + "=" + shown + " is not valid: expected " + expected);
        }
    }

    /** Formats a value the way {@link #parse} reads it. */
    public String format(V value) {
        return formatter.apply(value);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Option<?> other && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }

    private static int parseSize(String s, int min, int max) {
        String t = s.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
            unit = t.endsWith("k") ? 1L << 10 : t.endsWith("m") ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        long v = Math.multiplyExact(Long.parseLong(t), unit);
        if (v < min || v > max) {
            throw new IllegalArgumentException("out of range");
        }
        return (int) v;
    }

    private static int parseInt(String s, int min, int max) {
        int v = Integer.parseInt(s);
        if (v < min || v > max) {
            throw new IllegalArgumentException("out of range");
        }
        return v;
    }

    private static boolean parseBool(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(s);
        };
    }

    private static Duration parseDuration(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        Duration d;
        if (t.endsWith("ms")) {
            d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        } else if (t.endsWith("s")) {
            d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        } else if (t.endsWith("m")) {
            d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
        } else {
            d = Duration.ofMillis(Long.parseLong(t));
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative");
        }
        return d;
    }
}
