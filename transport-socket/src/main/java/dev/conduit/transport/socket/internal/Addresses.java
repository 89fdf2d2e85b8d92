package dev.conduit.transport.socket.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Converts between {@code host:port} endpoints and socket addresses. */
final class Addresses {
    private Addresses() {}

    /**
     * The endpoint's address, resolved. IP literals never touch DNS.
     *
     * @throws EndpointException if the host cannot be resolved
     */
    static InetSocketAddress resolve(Endpoint endpoint) {
        String host = endpoint.host();
        int port = endpoint.port();
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new EndpointException("cannot resolve host '" + host + "' of " + endpoint + ": " + e.getMessage());
        }
    }

    /** {@code 127.0.0.1:7000} or {@code [::1]:7000}, without reverse DNS. */
    static String hostPort(InetSocketAddress address) {
        return host(address) + ":" + address.getPort();
    }

    /** The host part as written in a URI: IPv6 literals in brackets. */
    static String host(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        if (ip instanceof Inet6Address) {
            int scope = host.indexOf('%');
            host = "[" + (scope >= 0 ? host.substring(0, scope) : host) + "]";
        }
        return host;
    }

    /** {@code scheme://host:port} for a socket address, or {@code scheme://unknown:0} for none. */
    static Endpoint endpoint(String scheme, SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return Endpoint.parse(scheme + "://" + hostPort(inet));
        }
        return Endpoint.parse(scheme + "://unknown:0");
    }

    /** Why binding {@code address} failed, in words: "address ... is already in use" for the common case. */
    static String describeBindFailure(InetSocketAddress address, @Nullable Throwable cause) {
        String what =
                cause == null ? "unknown error" : cause.getMessage() != null ? cause.getMessage() : cause.toString();
        if (what.toLowerCase(Locale.ROOT).contains("address already in use")) {
            return "address " + hostPort(address) + " is already in use";
        }
        return "binding " + hostPort(address) + " failed: " + what;
    }
}
