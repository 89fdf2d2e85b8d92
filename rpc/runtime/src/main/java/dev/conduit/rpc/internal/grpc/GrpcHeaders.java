package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.Metadata;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC's headers: names, metadata to and from HTTP/2 header fields ({@code -bin} values in base64), the headers the
 * runtime owns and keeps out of user metadata, {@code grpc-timeout} and the percent-encoding of {@code
 * grpc-message}. Stateless.
 */
final class GrpcHeaders {
    private static final Logger log = LoggerFactory.getLogger(GrpcHeaders.class);

    private GrpcHeaders() {}

    static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
    static final AsciiString APPLICATION_GRPC = AsciiString.cached("application/grpc");
    static final AsciiString TE = AsciiString.cached("te");
    static final AsciiString TRAILERS = AsciiString.cached("trailers");
    static final AsciiString USER_AGENT = AsciiString.cached("user-agent");
    static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");
    static final AsciiString GRPC_ENCODING = AsciiString.cached("grpc-encoding");
    static final AsciiString GRPC_ACCEPT_ENCODING = AsciiString.cached("grpc-accept-encoding");
    static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
    static final AsciiString POST = AsciiString.cached("POST");
    static final AsciiString OK = AsciiString.cached("200");
    static final AsciiString GZIP = AsciiString.cached("gzip");
    static final AsciiString USER_AGENT_VALUE = AsciiString.cached("conduit-rpc/0.1");

    /**
     * Headers the runtime writes and reads itself: never handed to the application as metadata, never sent from its
     * metadata (a handler cannot forge a {@code grpc-status}). HTTP/2's connection-specific fields are here too.
     */
    private static final Set<String> RESERVED = Set.of(
            "content-type",
            "te",
            "grpc-timeout",
            "grpc-encoding",
            "grpc-accept-encoding",
            "grpc-message-type",
            "grpc-status",
            "grpc-message",
            "content-length",
            "connection",
            "keep-alive",
            "proxy-connection",
            "transfer-encoding",
            "upgrade",
            "host");

    /** Whether {@code name} is a header the runtime owns. */
    static boolean isReserved(CharSequence name) {
        return (name.length() > 0 && name.charAt(0) == ':') || RESERVED.contains(name.toString());
    }

    /** Whether a {@code content-type} is gRPC's: {@code application/grpc}, optionally {@code +format} or {@code ;}. */
    static boolean isGrpcContentType(CharSequence contentType) {
        if (contentType == null || !AsciiString.regionMatches(contentType, true, 0, APPLICATION_GRPC, 0, 16)) {
            return false;
        }
        if (contentType.length() == 16) {
            return true;
        }
        char next = contentType.charAt(16);
        return next == '+' || next == ';';
    }

    /** The application's metadata in {@code headers}: reserved fields and names Metadata cannot hold are left out. */
    static Metadata toMetadata(Http2Headers headers, boolean includeUserAgent) {
        Metadata md = new Metadata();
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            CharSequence name = e.getKey();
            if (isReserved(name) || (!includeUserAgent && USER_AGENT.contentEqualsIgnoreCase(name))) {
                continue;
            }
            String key = name.toString();
            try {
                if (key.endsWith("-bin")) {
                    // gRPC allows several values joined by commas; each is base64, padded or not.
                    for (String part : e.getValue().toString().split(",", -1)) {
                        md.putBinary(key, Base64.getDecoder().decode(unpadded(part.trim())));
                    }
                } else {
                    md.put(key, new String(bytes(e.getValue()), StandardCharsets.UTF_8));
                }
            } catch (IllegalArgumentException ex) {
                log.debug("ignoring header '{}' that is not valid metadata: {}", key, ex.getMessage());
            }
        }
        return md;
    }

    /** Adds {@code md} to {@code headers}; keys the runtime owns are skipped. */
    static void addMetadata(Http2Headers headers, Metadata md) {
        for (int i = 0; i < md.size(); i++) {
            String key = md.keyAt(i);
            if (isReserved(key) || key.equals("user-agent")) {
                continue;
            }
            byte[] value = md.valueBytesAt(i);
            if (key.endsWith("-bin")) {
                headers.add(
                        new AsciiString(key),
                        new AsciiString(Base64.getEncoder().withoutPadding().encode(value), false));
            } else {
                headers.add(new AsciiString(key), new AsciiString(value, false));
            }
        }
    }

    private static String unpadded(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end);
    }

    private static byte[] bytes(CharSequence value) {
        if (value instanceof AsciiString a) {
            return a.toByteArray();
        }
        return value.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------- grpc-timeout

    private static final long MAX_VALUE = 99_999_999L;

    /** {@code grpc-timeout} for {@code nanos} (at least 1 ns): at most 8 digits and the finest unit that fits. */
    static AsciiString formatTimeout(long nanos) {
        long n = Math.max(1, nanos);
        if (n <= MAX_VALUE) {
            return new AsciiString(n + "n");
        }
        if (n / 1_000 <= MAX_VALUE) {
            return new AsciiString(n / 1_000 + "u");
        }
        if (n / 1_000_000 <= MAX_VALUE) {
            return new AsciiString(n / 1_000_000 + "m");
        }
        long seconds = n / 1_000_000_000L;
        if (seconds <= MAX_VALUE) {
            return new AsciiString(seconds + "S");
        }
        if (seconds / 60 <= MAX_VALUE) {
            return new AsciiString(seconds / 60 + "M");
        }
        return new AsciiString(Math.min(MAX_VALUE, seconds / 3600) + "H");
    }

    /** The nanoseconds a {@code grpc-timeout} value stands for, or -1 if it is not 1 to 8 digits and a unit. */
    static long parseTimeout(CharSequence value) {
        int n = value.length();
        if (n < 2 || n > 9) {
            return -1;
        }
        long amount = 0;
        for (int i = 0; i < n - 1; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            amount = amount * 10 + (c - '0');
        }
        TimeUnit unit = switch (value.charAt(n - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? -1 : unit.toNanos(amount);
    }

    // ---------------------------------------------------------------- grpc-message

    /** {@code text} as UTF-8, with bytes outside printable ASCII and '%' percent-encoded. */
    static AsciiString percentEncode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = null;
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xFF;
            boolean plain = b >= 0x20 && b <= 0x7E && b != '%';
            if (!plain && sb == null) {
                sb = new StringBuilder(utf8.length + 16);
                sb.append(new String(utf8, 0, i, StandardCharsets.US_ASCII));
            }
            if (sb != null) {
                if (plain) {
                    sb.append((char) b);
                } else {
                    sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
                }
            }
        }
        return sb == null ? new AsciiString(utf8, false) : new AsciiString(sb);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** The text of a percent-encoded {@code grpc-message}; broken escapes are kept as they are, never an error. */
    static String percentDecode(CharSequence value) {
        byte[] in = bytes(value);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length) {
                int hi = Character.digit(in[i + 1], 16);
                int lo = Character.digit(in[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out.write(in[i]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
