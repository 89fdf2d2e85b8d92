package dev.conduit.transport.nats.internal;

import dev.conduit.core.EndpointException;
import dev.conduit.core.spi.TransportContext;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;

/**
 * The NATS client's options for a target: servers, credentials, TLS, and the runtime's threads. Error messages name
 * options, never their secret values.
 */
final class NatsLogin {
    private NatsLogin() {}

    /** Messages the client may queue for sending; credit bounds what sessions queue, so this is only a last resort. */
    private static final int OUTGOING_QUEUE = 1 << 20;
    /** Bytes kept while reconnecting; sessions that lose more see a gap. */
    private static final long RECONNECT_BUFFER = 64L << 20;
    /** How long one attempt on one server may take: the NATS client's own default. */
    private static final Duration PER_SERVER_TIMEOUT = Duration.ofSeconds(2);

    static Options.Builder options(
            NatsTarget target, Duration connectTimeout, TransportContext context, ExecutorService pool) {
        NatsTarget.Login login = target.login();
        Options.Builder b = new Options.Builder()
                .servers(target.serverUrls().toArray(new String[0]))
                .connectionName("conduit-" + context.runtimeName())
                // Per server and attempt; a server that refuses the login keeps the attempt until this passes.
                .connectionTimeout(min(connectTimeout, PER_SERVER_TIMEOUT))
                .executor(pool)
                .connectThreadFactory(context.threadFactory("nats-connect"))
                .callbackThreadFactory(context.threadFactory("nats-callback"))
                // Reconnect for as long as the runtime lives, quickly: sessions that survive a short outage without
                // losing a message carry on.
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100))
                .reconnectJitter(Duration.ofMillis(100))
                .reconnectBufferSize(RECONNECT_BUFFER)
                .maxMessagesInOutgoingQueue(OUTGOING_QUEUE)
                .pingInterval(Duration.ofSeconds(10));
        if (login.user() != null && login.password() != null) {
            b.userInfo(login.user(), login.password());
        } else if (login.token() != null) {
            b.token(login.token().toCharArray());
        } else if (login.creds() != null) {
            if (!new File(login.creds()).canRead()) {
                throw new EndpointException("the creds file of " + target.endpoint() + " is not a readable file");
            }
            b.authHandler(Nats.credentials(login.creds()));
        }
        if (login.tls()) {
            b.sslContext(sslContext(target));
        }
        return b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static SSLContext sslContext(NatsTarget target) {
        NatsTarget.Login login = target.login();
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
            if (login.trust() != null) {
                b.trustManager(readable(target, "tls.trust", login.trust()));
            }
            if (login.cert() != null && login.key() != null) {
                b.keyManager(readable(target, "tls.cert", login.cert()), readable(target, "tls.key", login.key()));
            }
            return ((JdkSslContext) b.build()).context();
        } catch (EndpointException e) {
            throw e;
        } catch (Exception e) {
            throw new EndpointException("cannot set up TLS for " + target.endpoint() + " from its tls.* files: "
                    + e.getClass().getSimpleName());
        }
    }

    private static File readable(NatsTarget target, String option, String path) {
        File f = new File(path);
        if (!f.canRead()) {
            throw new EndpointException("the " + option + " file of " + target.endpoint() + " is not a readable file");
        }
        return f;
    }
}
