package dev.conduit.examples.cli;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How the commands read their arguments, so that a value that cannot be used is a usage error (exit 64) naming the
 * option, and the values are written as users type them.
 */
final class Arguments {
    private Arguments() {}

    /** A URI argument: kept as written, checked for syntax at once. */
    static final class Uri implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                Endpoint.parse(value);
                return value;
            } catch (EndpointException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A duration with its unit: {@code 500ms}, {@code 10s}, {@code 2m}. A bare number is refused: which unit? */
    static final class Time implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException(
                    "expected a duration with its unit, such as 500ms, 10s or 2m, but was '" + value + "'");
        }
    }

    /** An enum constant written in lower case, as users type it and as help shows it. */
    abstract static class LowerCase<E extends Enum<E>> implements ITypeConverter<E> {
        private final Class<E> type;

        LowerCase(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(value.trim())) {
                    return e;
                }
            }
            throw new TypeConversionException("expected " + choices(type) + " but was '" + value + "'");
        }

        /** The constants of {@code type} as users write them: {@code length|line|none}. */
        static String choices(Class<? extends Enum<?>> type) {
            return Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining("|"));
        }
    }

    /** {@code HOST:PORT} to listen on, such as {@code 127.0.0.1:9464}; port 0 picks a free one. */
    static final class HostPort implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            String host = colon > 0 ? value.substring(0, colon) : "";
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(value.substring(colon + 1));
                if (!host.isEmpty() && port >= 0 && port <= 65535) {
                    return new InetSocketAddress(host, port);
                }
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                // reported below
            }
            throw new TypeConversionException(
                    "expected HOST:PORT such as 127.0.0.1:9464 (port 0 for any free port), but was '" + value + "'");
        }
    }

    /** {@code --framing length|line|none}. */
    static final class FramingChoice extends LowerCase<dev.conduit.core.Framing> {
        FramingChoice() {
            super(dev.conduit.core.Framing.class);
        }
    }
}
