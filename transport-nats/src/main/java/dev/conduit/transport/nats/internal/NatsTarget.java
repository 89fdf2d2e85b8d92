package dev.conduit.transport.nats.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.transport.nats.NatsOptions;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@code nats://} endpoint taken apart: the servers to connect to, how to log in, and the subject.
 *
 * <pre>
 * nats://app:secret@nats1:4222,nats2:4222/orders?tls=true
 *        \________/ \___________________/ \____/
 *        credentials        servers       subject (or stream/NAME for JetStream)
 * </pre>
 *
 * A password in the address, or in {@code ?user=&password=}, a {@code ?token=} or a {@code ?creds=} file log in; the
 * address form is for passwords without {@code /} or {@code @}. Immutable.
 *
 * @param endpoint the endpoint as given (printing it masks its secrets)
 * @param servers {@code host:port} of each server, in the order given
 * @param subject the subject after the servers: a plain subject, or {@code stream/NAME}
 * @param login how to authenticate, and TLS; equal logins to equal servers share one NATS connection per runtime
 */
public record NatsTarget(Endpoint endpoint, List<String> servers, String subject, Login login) {

    /** The default port of a NATS server. */
    static final int DEFAULT_PORT = 4222;

    /** The subject prefix of JetStream streams: {@code nats://host/stream/ORDERS}. */
    static final String STREAM_PREFIX = "stream/";

    /**
     * Credentials and TLS settings. Holds secrets: never print it (its {@code toString} shows only what kinds of
     * credentials are set).
     */
    public record Login(
            @Nullable String user,
            @Nullable String password,
            @Nullable String token,
            @Nullable String creds,
            boolean tls,
            @Nullable String trust,
            @Nullable String cert,
            @Nullable String key) {
        @Override
        public String toString() {
            List<String> kinds = new ArrayList<>();
            if (user != null) {
                kinds.add("user " + user);
            }
            if (token != null) {
                kinds.add("token");
            }
            if (creds != null) {
                kinds.add("creds file");
            }
            if (tls) {
                kinds.add("tls");
            }
            return kinds.isEmpty() ? "anonymous" : String.join(", ", kinds);
        }
    }

    /**
     * Takes {@code endpoint} apart and checks it.
     *
     * @throws EndpointException naming what is wrong and what was expected
     */
    public static NatsTarget of(Endpoint endpoint) {
        String address = endpoint.address();
        int slash = address.indexOf('/');
        int at = address.indexOf('@');
        if (at >= 0 && (slash < 0 || at < slash)) {
            slash = address.indexOf('/', at);
        } else {
            at = -1;
        }
        if (slash < 0 || slash == address.length() - 1) {
            throw new EndpointException(endpoint + " names no subject; expected nats://host:port/subject, for example "
                    + "nats://127.0.0.1:4222/orders");
        }
        String userInfo = at < 0 ? null : address.substring(0, at);
        List<String> servers = servers(endpoint, address.substring(at + 1, slash));
        String subject = address.substring(slash + 1);
        if (subject.startsWith(STREAM_PREFIX)) {
            checkToken(endpoint, subject.substring(STREAM_PREFIX.length()), "stream name");
        } else {
            checkSubject(endpoint, subject);
        }
        return new NatsTarget(endpoint, servers, subject, login(endpoint, userInfo));
    }

    /** Whether this names a JetStream stream ({@code stream/NAME}) rather than a core NATS subject. */
    public boolean isStream() {
        return subject.startsWith(STREAM_PREFIX);
    }

    /** The stream's name, for {@code stream/NAME}. */
    public String streamName() {
        return subject.substring(STREAM_PREFIX.length());
    }

    /** The NATS server URLs to give the client: {@code nats://host:port}, or {@code tls://} with TLS. */
    List<String> serverUrls() {
        String scheme = login.tls() ? "tls://" : "nats://";
        return servers.stream().map(s -> scheme + s).toList();
    }

    /** The servers as written in a URI: {@code host:port,host:port}. */
    String serverList() {
        return String.join(",", servers);
    }

    /** What identifies the NATS connection this target can share: servers and login (secrets included; never print). */
    ConnectionKey connectionKey() {
        return new ConnectionKey(servers, login);
    }

    /** Equal keys share one NATS connection per runtime. Holds secrets: never print it. */
    record ConnectionKey(List<String> servers, Login login) {
        @Override
        public String toString() {
            return String.join(",", servers) + " (" + login + ")";
        }
    }

    private static List<String> servers(Endpoint endpoint, String text) {
        List<String> servers = new ArrayList<>();
        for (String s : text.split(",", -1)) {
            boolean hasPort = s.matches(".*[^:]:\\d{1,5}") && (!s.startsWith("[") || s.contains("]:"));
            String host = hasPort ? s.substring(0, s.lastIndexOf(':')) : s;
            if (host.isEmpty() || (host.contains(":") && !(host.startsWith("[") && host.endsWith("]")))) {
                throw new EndpointException(endpoint + " has server '" + s
                        + "'; expected host:port[,host:port] (IPv6 in brackets: [::1]:4222)");
            }
            int port = hasPort ? Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)) : DEFAULT_PORT;
            if (port < 1 || port > 65535) {
                throw new EndpointException(endpoint + " has server '" + s + "'; expected a port from 1 to 65535");
            }
            servers.add(host + ":" + port);
        }
        return List.copyOf(servers);
    }

    /**
     * Checks a core NATS subject: dot-separated tokens, none empty, no wildcard, no white space; our own prefixes are
     * reserved.
     */
    static void checkSubject(Endpoint endpoint, String subject) {
        if (subject.startsWith("_INBOX.") || subject.startsWith("_CONDUIT.") || subject.startsWith("$")) {
            throw new EndpointException(endpoint + " uses subject '" + subject
                    + "', which is reserved (_INBOX., _CONDUIT. and $ subjects are NATS's and Conduit's own)");
        }
        for (String token : subject.split("\\.", -1)) {
            checkToken(endpoint, token, "subject");
        }
    }

    private static void checkToken(Endpoint endpoint, String token, String what) {
        String problem = null;
        if (token.isEmpty()) {
            problem = "an empty token";
        } else if (token.equals("*") || token.equals(">") || token.contains("*") || token.contains(">")) {
            problem = "a wildcard (* or >)";
        } else if (token.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            problem = "white space";
        } else if (token.contains("/")) {
            problem = "a '/'";
        }
        if (problem != null) {
            throw new EndpointException(endpoint + ": the " + what + " has " + problem
                    + "; expected one exact subject of dot-separated tokens such as orders.eu (letters, digits, - and _;"
                    + " no wildcards, no spaces)");
        }
    }

    private static Login login(Endpoint endpoint, @Nullable String userInfo) {
        String user = endpoint.find(NatsOptions.USER).orElse(null);
        String password = endpoint.find(NatsOptions.PASSWORD).orElse(null);
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0 || user != null || password != null) {
                throw new EndpointException(endpoint + ": credentials in the address are user:password@; a token goes"
                        + " in ?token=, and user and password are given once, in the address or as options");
            }
            user = userInfo.substring(0, colon);
            password = userInfo.substring(colon + 1);
        }
        if ((user == null) != (password == null)) {
            throw new EndpointException(endpoint + " sets only one of user and password; they go together");
        }
        String token = endpoint.find(NatsOptions.TOKEN).orElse(null);
        String creds = endpoint.find(NatsOptions.CREDS).orElse(null);
        int kinds = (user != null ? 1 : 0) + (token != null ? 1 : 0) + (creds != null ? 1 : 0);
        if (kinds > 1) {
            throw new EndpointException(
                    endpoint + " sets more than one of user/password, token and creds; pick one way to log in");
        }
        String trust = endpoint.find(NatsOptions.TLS_TRUST).orElse(null);
        String cert = endpoint.find(NatsOptions.TLS_CERT).orElse(null);
        String key = endpoint.find(NatsOptions.TLS_KEY).orElse(null);
        if ((cert == null) != (key == null)) {
            throw new EndpointException("tls.cert and tls.key go together; " + endpoint + " sets only one of them");
        }
        boolean tls = endpoint.get(NatsOptions.TLS) || trust != null || cert != null;
        return new Login(user, password, token, creds, tls, trust, cert, key);
    }
}
