package dev.conduit.transport.nats;

import dev.conduit.core.Option;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code nats://} endpoints beyond {@link dev.conduit.core.ChannelOptions}: credentials, TLS, and the
 * flow control and heartbeats of the sessions Conduit runs over core NATS.
 *
 * <pre>{@code
 * nats://nats1:4222,nats2:4222/orders?user=app&password=...&heartbeat=250ms
 * nats://nats1:4222/orders?creds=/etc/app/app.creds&tls=true&tls.trust=/etc/app/ca.pem
 * }</pre>
 *
 * <p>Credentials can also ride in the address ({@code nats://app:secret@nats1:4222/orders}). The values of {@link
 * #PASSWORD}, {@link #TOKEN}, {@link #CREDS} and {@link #TLS_KEY}, and a password in the address, are secrets:
 * printed and logged endpoints never show them.
 *
 * <p>Constants only; thread-safe.
 */
public final class NatsOptions {
    private NatsOptions() {}

    /** The user name for user/password authentication. */
    public static final Option<String> USER = Option.string("user", null, "NATS user name (with password)");

    /** The password for user/password authentication; a secret. */
    public static final Option<String> PASSWORD =
            Option.string("password", null, "NATS password (with user); never printed");

    /** An authentication token; a secret. */
    public static final Option<String> TOKEN = Option.string("token", null, "NATS authentication token; never printed");

    /** A NATS credentials file (user JWT and NKey seed, as {@code nsc} writes it); its path is treated as a secret. */
    public static final Option<String> CREDS =
            Option.string("creds", null, "NATS credentials file (JWT and NKey seed); never printed");

    /** Connect with TLS. Implied by {@link #TLS_TRUST}, {@link #TLS_CERT} and {@link #TLS_KEY}. Default false. */
    public static final Option<Boolean> TLS = Option.bool("tls", false, "connect to the NATS servers over TLS");

    /** PEM file of the certificate authorities to trust; default: the JDK's trust store. */
    public static final Option<String> TLS_TRUST =
            Option.string("tls.trust", null, "PEM file: CA certificates to trust (default: the JDK's)");

    /** PEM certificate chain of this client, for servers that verify clients; with {@link #TLS_KEY}. */
    public static final Option<String> TLS_CERT =
            Option.string("tls.cert", null, "PEM file: this client's certificate chain, for mutual TLS");

    /** PEM file of the unencrypted PKCS#8 private key of {@link #TLS_CERT}; its path is a secret. */
    public static final Option<String> TLS_KEY =
            Option.string("tls.key", null, "PEM file: the PKCS#8 private key of tls.cert; never printed");

    /**
     * Flow control: the bytes a session's sender may have in flight before the receiver grants more. A receiver that
     * does not read stops granting, so its sender blocks instead of NATS dropping messages. Default 256 KiB.
     */
    public static final Option<Integer> WINDOW = Option.size(
            "window", 256 << 10, 4 << 10, 64 << 20, "bytes a sender may have in flight before its peer grants more");

    /** How often a session tells its peer it is alive (and how much it may send). Default 250 ms. */
    public static final Option<Duration> HEARTBEAT =
            Option.duration("heartbeat", Duration.ofMillis(250), "how often a session tells its peer it is alive");

    /**
     * How long a session waits without a word from its peer before it closes with an error (the peer's process or
     * its path through NATS is gone). At least three heartbeats. Default 1 s.
     */
    public static final Option<Duration> HEARTBEAT_TIMEOUT = Option.duration(
            "heartbeatTimeout", Duration.ofSeconds(1), "silence after which a session's peer counts as gone");

    /**
     * Connect to one listening instance, by the id it announces, instead of the one NATS picks from the queue group.
     * {@link dev.conduit.core.Conduit#watchInstances} lists such endpoints; RPC clients use them to spread calls.
     */
    public static final Option<String> INSTANCE =
            Option.string("instance", null, "connect to this listening instance instead of the one NATS picks");

    /**
     * On a JetStream stream ({@code nats://…/stream/NAME}): the name of a durable reader (a JetStream durable
     * consumer) whose stored position this channel reads from; letters, digits, '-' and '_', at most 64. Without it a
     * channel only appends. The same meaning as {@code reader=} of {@code queue://}.
     */
    public static final Option<String> READER = Option.string(
            "reader", null, "JetStream stream: name of the durable reader whose position this channel reads from");

    /**
     * On a JetStream stream: where a reader without a stored position starts: {@code end} (the default: what is
     * appended from now on), {@code start} (the oldest message the stream keeps) or an index (a stream sequence
     * number: the first message at or after it).
     */
    public static final Option<String> FROM = Option.of(
            "from",
            "end",
            "start, end or a stream sequence number",
            "JetStream stream: where a reader without a stored position starts",
            NatsOptions::parseFrom,
            s -> s);

    /**
     * On a JetStream stream: the replicas of a stream that Conduit creates because it is missing (1 to 5; a cluster
     * of at least that many nodes). A stream that exists keeps its own configuration, whatever this says.
     */
    public static final Option<Integer> REPLICAS = Option.integer(
            "replicas", 1, 1, 5, "JetStream stream: replicas of the stream when Conduit creates it (1 to 5)");

    /** Every option of {@code nats://} endpoints, for listings: those of core NATS subjects and of streams. */
    public static final List<Option<?>> ALL = List.of(
            USER,
            PASSWORD,
            TOKEN,
            CREDS,
            TLS,
            TLS_TRUST,
            TLS_CERT,
            TLS_KEY,
            WINDOW,
            HEARTBEAT,
            HEARTBEAT_TIMEOUT,
            INSTANCE,
            READER,
            FROM,
            REPLICAS);

    /** The options that apply only to JetStream streams. */
    public static final List<Option<?>> STREAM_ONLY = List.of(READER, FROM, REPLICAS);

    private static String parseFrom(String s) {
        if (!s.equals("start") && !s.equals("end") && Long.parseLong(s) < 0) {
            throw new IllegalArgumentException("negative index");
        }
        return s;
    }
}
