package dev.conduit.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * An endpoint named by one URI string: a scheme, an address and options.
 *
 * <pre>{@code
 * tcp://127.0.0.1:7000?framing=line&maxFrame=64k
 * \_/   \____________/ \________________________/
 * scheme   address              options
 * }</pre>
 *
 * <p>Hierarchical URIs ({@code tcp://host:port}, {@code unix:///abs/path.sock}) and opaque ones ({@code pipe:},
 * {@code unix:@abstract}) are both accepted; the address is what follows {@code scheme://} or {@code scheme:}, up to
 * {@code ?}. Percent-escapes ({@code %20}) are decoded in addresses and option values. Options can also be set in
 * code with {@link #with(Option, Object)}.
 *
 * <p>Objects a URI cannot carry (a TLS context, a {@link ProcessBuilder}) are {@linkplain #with(Attributes.Key,
 * Object) attached} in code: they travel with the endpoint to the transport of the call it is given to, and are
 * never part of its URI or its printed form.
 *
 * <h2>Secrets</h2>
 * {@link #toString()}, which every message, exception and log line uses, writes {@code ***} for the value of each
 * {@linkplain #isSecret(String) secret option} (such as {@code tls.key}, whose path is a secret) and for the password
 * of a {@code user:password@host} address. {@link #toUri()} is the whole URI, for code that hands the endpoint on.
 *
 * <p>Endpoints are immutable values, safe to share between threads.
 */
public final class Endpoint {
    private final String scheme;
    private final boolean hierarchical;
    private final String address;
    private final Map<String, String> options;
    private final Attributes attributes;

    private Endpoint(String scheme, boolean hierarchical, String address, Map<String, String> options) {
        this(scheme, hierarchical, address, options, Attributes.empty());
    }

    private Endpoint(
            String scheme, boolean hierarchical, String address, Map<String, String> options, Attributes attributes) {
        this.scheme = scheme;
        this.hierarchical = hierarchical;
        this.address = address;
        this.options = Collections.unmodifiableMap(options);
        this.attributes = attributes;
    }

    /**
     * Parses a URI such as {@code tcp://127.0.0.1:7000?maxFrame=64k}.
     *
     * @throws EndpointException if the text is not {@code scheme://address[?name=value&...]}
     */
    public static Endpoint parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        int colon = uri.indexOf(':');
        if (colon <= 0 || !uri.substring(0, colon).matches("[a-zA-Z][a-zA-Z0-9+.-]*")) {
            throw malformed(uri, "it does not start with a scheme");
        }
        if (uri.indexOf('#') >= 0) {
            throw malformed(uri, "fragments (#) are not allowed");
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = uri.substring(colon + 1);
        boolean hierarchical = rest.startsWith("//");
        if (hierarchical) {
            rest = rest.substring(2);
        }
        int q = rest.indexOf('?');
        String address = decode(uri, q < 0 ? rest : rest.substring(0, q));
        Map<String, String> options = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&", -1)) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw malformed(uri, "option '" + pair + "' is not name=value");
                }
                String name = decode(uri, pair.substring(0, eq));
                if (options.put(name, decode(uri, pair.substring(eq + 1))) != null) {
                    throw malformed(uri, "option '" + name + "' is given twice");
                }
            }
        }
        return new Endpoint(scheme, hierarchical, address, options);
    }

    /** An endpoint {@code scheme://address} without options. */
    public static Endpoint of(String scheme, String address) {
        return parse(scheme + "://" + encode(address, false));
    }

    /** The scheme, in lower case: {@code tcp}, {@code unix}, {@code shm}, ... */
    public String scheme() {
        return scheme;
    }

    /** The decoded address: {@code 127.0.0.1:7000}, {@code /run/app.sock}, {@code orders}, or empty. */
    public String address() {
        return address;
    }

    /**
     * The host of a {@code host:port} address, without IPv6 brackets.
     *
     * @throws EndpointException if the address is not {@code host:port}
     */
    public String host() {
        String a = address;
        int colon = a.lastIndexOf(':');
        if (colon <= 0 || (a.indexOf(':') != colon && !a.startsWith("["))) {
            throw new EndpointException(this + " expects host:port, for example " + scheme + "://127.0.0.1:7000");
        }
        String host = a.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host;
    }

    /**
     * The port of a {@code host:port} address; 0 asks for an ephemeral port when listening.
     *
     * @throws EndpointException if the address is not {@code host:port} with a port from 0 to 65535
     */
    public int port() {
        host();
        String p = address.substring(address.lastIndexOf(':') + 1);
        try {
            int port = Integer.parseInt(p);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new EndpointException(this + " has port '" + p + "'; expected a number from 0 to 65535");
    }

    /** How this endpoint's URI begins: {@code tcp://}, or {@code pipe:} for an opaque one. */
    private String prefix() {
        return scheme + (hierarchical ? "://" : ":");
    }

    /** The options given in the URI or set in code, by name, in their text form. */
    public Map<String, String> options() {
        return options;
    }

    /** The value of an option if the endpoint sets it. */
    public <V> Optional<V> find(Option<V> option) {
        String text = options.get(option.name());
        return text == null ? Optional.empty() : Optional.of(option.parse(text));
    }

    /**
     * The value of an option, or its default.
     *
     * @throws IllegalStateException if the endpoint does not set an option that has no default
     */
    public <V> V get(Option<V> option) {
        V value = find(option).orElse(option.defaultValue());
        if (value == null) {
            throw new IllegalStateException(option.name() + " is not set on " + this + " and has no default");
        }
        return value;
    }

    /** A copy of this endpoint with an option set. */
    public <V> Endpoint with(Option<V> option, V value) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        copy.put(option.name(), option.format(value));
        return new Endpoint(scheme, hierarchical, address, copy, attributes);
    }

    /** A copy of this endpoint without an option. */
    public Endpoint without(Option<?> option) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        copy.remove(option.name());
        return new Endpoint(scheme, hierarchical, address, copy, attributes);
    }

    /** A copy of this endpoint with another address, for example the real port a listener bound. */
    public Endpoint withAddress(String newAddress) {
        return new Endpoint(scheme, hierarchical, newAddress, options, attributes);
    }

    /** The objects attached in code; empty for an endpoint just parsed. */
    public Attributes attributes() {
        return attributes;
    }

    /**
     * A copy of this endpoint with {@code value} attached under {@code key}, for the transport of the call it is given
     * to (see {@link Attributes}). Copies made with the other {@code with...} methods keep the attachments; {@link
     * #toUri()} and {@link #parse} do not carry them.
     */
    public <V> Endpoint with(Attributes.Key<V> key, V value) {
        return new Endpoint(scheme, hierarchical, address, options, attributes.with(key, value));
    }

    /** A copy of this endpoint with {@code attached} in place of its attachments. */
    public Endpoint withAttributes(Attributes attached) {
        return new Endpoint(scheme, hierarchical, address, options, Objects.requireNonNull(attached));
    }

    /**
     * Checks that every option is one of {@code known} and has a valid value.
     *
     * @throws EndpointException naming the unknown or invalid option and what was expected
     */
    public void validate(Collection<Option<?>> known) {
        Map<String, Option<?>> byName =
                known.stream().collect(Collectors.toMap(Option::name, o -> o, (a, b) -> a, LinkedHashMap::new));
        for (Map.Entry<String, String> e : options.entrySet()) {
            Option<?> option = byName.get(e.getKey());
            if (option == null) {
                String names = String.join(", ", byName.keySet());
                throw new EndpointException(
                        "unknown option '" + e.getKey() + "' in " + this + "; " + prefix() + " accepts " + names);
            }
            option.parse(e.getValue());
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Endpoint other
                && other.scheme.equals(scheme)
                && other.hierarchical == hierarchical
                && other.address.equals(address)
                && other.options.equals(options)
                && other.attributes.equals(attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, address, options, attributes);
    }

    /**
     * The whole URI, secrets included, which {@link #parse} reads back to an equal endpoint (without its
     * {@linkplain #attributes() attachments}, which no URI carries).
     */
    public String toUri() {
        return format(false);
    }

    /**
     * The URI for people to read: like {@link #toUri()}, with {@code ***} for the value of every {@linkplain
     * #isSecret(String) secret option} and for the password of a {@code user:password@host} address. Without secrets
     * it is the whole URI.
     */
    @Override
    public String toString() {
        return format(true);
    }

    /**
     * Whether an option's value is a secret that is never printed: the one rule for every transport. A name is
     * secret if its last part (after the last {@code .}) ends, in any case, in {@code key}, {@code password}, {@code
     * passphrase}, {@code secret}, {@code token} or {@code creds}, as {@code tls.key} does.
     */
    public static boolean isSecret(String optionName) {
        String last = optionName.substring(optionName.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (last.endsWith(word)) {
                return true;
            }
        }
        return false;
    }

    private static final String[] SECRET_WORDS = {"key", "password", "passphrase", "secret", "token", "creds"};
    private static final String MASK = "***";

    private String format(boolean redact) {
        StringBuilder sb = new StringBuilder(prefix());
        sb.append(encode(redact ? withoutPassword(address) : address, false));
        char sep = '?';
        for (Map.Entry<String, String> e : options.entrySet()) {
            String value = redact && isSecret(e.getKey()) ? MASK : e.getValue();
            sb.append(sep).append(encode(e.getKey(), true)).append('=').append(encode(value, true));
            sep = '&';
        }
        return sb.toString();
    }

    /** {@code user:password@host} as {@code user:***@host}; any other address as it is. */
    private String withoutPassword(String a) {
        int at = a.lastIndexOf('@');
        int colon = at < 0 ? -1 : a.indexOf(':');
        return hierarchical && colon >= 0 && colon < at ? a.substring(0, colon + 1) + MASK + a.substring(at) : a;
    }

    private static EndpointException malformed(String uri, String why) {
        return new EndpointException("malformed endpoint '" + uri + "': " + why
                + "; expected scheme://address[?name=value&...], for example tcp://127.0.0.1:7000?maxFrame=64k");
    }

    private static String decode(String uri, String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            int c = s.codePointAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw malformed(uri, "incomplete %-escape in '" + s + "'");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw malformed(uri, "bad %-escape in '" + s + "'");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                // Whole code points: a character outside the BMP (an emoji in a path) is two chars, and encoding
                // either half alone would turn it into '?'.
                byte[] b = Character.toString(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(c) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String s, boolean inQuery) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean escape =
                    c == '%' || c == '?' || c == '#' || c <= ' ' || c == 0x7f || (inQuery && (c == '&' || c == '='));
            if (escape && sb == null) {
                sb = new StringBuilder(s.substring(0, i));
            }
            if (escape) { // only ASCII is escaped, so one char is one code point here
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    sb.append('%').append(String.format("%02X", b & 0xff));
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
