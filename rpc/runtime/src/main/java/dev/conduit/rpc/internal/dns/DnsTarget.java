package dev.conduit.rpc.internal.dns;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code dns:} target. {@code dns:///host:port} asks the system's resolver (what {@link
 * java.net.InetAddress} uses: {@code /etc/hosts}, then the configured servers); {@code dns://server:port/host:port}
 * asks that DNS server directly. {@code ?scheme=} picks the endpoints' transport ({@code tcp} by default); every other
 * option is passed on to each endpoint: {@code dns:///orders:7000?scheme=grpc&idle=spin} gives {@code
 * grpc://10.0.0.7:7000?idle=spin}.
 *
 * @param server the DNS server's {@code host:port}, or null for the system's resolver
 * @param options the query string passed on to endpoints, without {@code scheme}; empty if none
 */
record DnsTarget(String text, @Nullable String server, String host, int port, String scheme, String options) {

    /** Schemes whose endpoints are {@code host:port}, so that a resolved address makes one. */
    private static final Set<String> SCHEMES = Set.of("tcp", "tcps", "grpc", "grpcs");

    static DnsTarget parse(URI target) {
        String text = target.toString();
        String path = target.getRawPath();
        if (path == null || !path.startsWith("/") || path.length() == 1) {
            throw invalid(text, "it has no host:port after the authority");
        }
        String hostPort = path.substring(1);
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw invalid(text, "'" + hostPort + "' has no port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port <= 0 || port > 65535) {
            throw invalid(text, "the port '" + hostPort.substring(colon + 1) + "' is not 1-65535");
        }
        String scheme = "tcp";
        List<String> passed = new ArrayList<>();
        String query = target.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("scheme=")) {
                    scheme = pair.substring("scheme=".length());
                } else {
                    passed.add(pair);
                }
            }
        }
        if (!SCHEMES.contains(scheme)) {
            throw invalid(
                    text,
                    "scheme=" + scheme + " is not one of "
                            + SCHEMES.stream().sorted().toList());
        }
        String authority = target.getRawAuthority();
        return new DnsTarget(
                text,
                authority == null || authority.isEmpty() ? null : authority,
                host,
                port,
                scheme,
                String.join("&", passed));
    }

    /** The endpoint URI for one resolved address. */
    String endpoint(String address) {
        String hostPart = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        return scheme + "://" + hostPart + ":" + port + (options.isEmpty() ? "" : "?" + options);
    }

    private static IllegalArgumentException invalid(String target, String why) {
        return new IllegalArgumentException("invalid DNS target " + target + ": " + why
                + "; expected dns:///host:port or dns://server:port/host:port");
    }
}
