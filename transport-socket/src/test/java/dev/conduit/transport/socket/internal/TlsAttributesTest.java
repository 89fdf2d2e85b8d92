package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Listener;
import dev.conduit.transport.socket.SocketProperties;
import dev.conduit.transport.socket.TlsOptions;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TLS contexts built in code, attached to one call's endpoint or given to one runtime; never seen by another. */
class TlsAttributesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final TestPki pki = TestPki.get();
    private final List<Conduit> runtimes = new ArrayList<>();
    private SslContext serverContext;
    private SslContext clientContext;

    @BeforeEach
    void contexts() throws Exception {
        serverContext = SslContextBuilder.forServer(
                        pki.cert("server").toFile(), pki.key("server").toFile())
                .trustManager(pki.ca().toFile())
                .clientAuth(ClientAuth.REQUIRE)
                .build();
        clientContext = SslContextBuilder.forClient()
                .trustManager(pki.ca().toFile())
                .keyManager(pki.cert("client").toFile(), pki.key("client").toFile())
                .build();
    }

    @AfterEach
    void close() {
        runtimes.forEach(Conduit::close);
    }

    private Conduit runtime(String name, SslContext... clientDefault) {
        Conduit.Builder b = Conduit.builder().name(name);
        for (SslContext c : clientDefault) {
            b.attribute(TlsOptions.CLIENT_CONTEXT, c);
        }
        Conduit c = b.build();
        runtimes.add(c);
        return c;
    }

    private Listener<String> listenWithAttachedServerContext(Conduit server) {
        return server.listen(
                Endpoint.parse("tcps://127.0.0.1:0").with(TlsOptions.SERVER_CONTEXT, serverContext), Codecs.text());
    }

    @Test
    void contextsAttachedToTheEndpointsServeBothSidesOfMutualTls() throws Exception {
        Conduit server = runtime("attach-server");
        Conduit client = runtime("attach-client");
        Listener<String> listener = listenWithAttachedServerContext(server);
        assertThat(listener.endpoint().attributes().isEmpty())
                .as("the bound endpoint, handed to clients, leaves out the listener's own context")
                .isTrue();

        Channel<String> channel =
                client.connect(listener.endpoint().with(TlsOptions.CLIENT_CONTEXT, clientContext), Codecs.text());
        channel.send("attached");
        Channel<String> accepted = listener.accept(TIMEOUT);
        assertThat(accepted.receive(TIMEOUT)).isEqualTo("attached");
        X509Certificate clientCert =
                accepted.property(SocketProperties.PEER_CERTIFICATE).orElseThrow();
        assertThat(clientCert.getSubjectX500Principal().getName())
                .as("the client presented the certificate of its attached context (the URI names no files)")
                .contains("OU=client");
    }

    @Test
    void aRuntimesDefaultContextServesItsCallsAndNoOtherRuntimes() throws Exception {
        Conduit server = runtime("default-server");
        Conduit withContext = runtime("default-with", clientContext);
        Conduit without = runtime("default-without");
        Listener<String> listener = listenWithAttachedServerContext(server);
        String uri = "tcps://127.0.0.1:" + listener.endpoint().port() + "?tls.verifyHost=false";

        Channel<String> channel = withContext.connect(uri, Codecs.text());
        channel.send("from the runtime's context");
        assertThat(listener.accept(TIMEOUT).receive(TIMEOUT)).isEqualTo("from the runtime's context");

        // The same URI from another runtime: no context of its own, so the JDK's trust, which the test CA is not in.
        assertThatThrownBy(() -> without.connect(uri, Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("TLS");
    }

    @Test
    void aContextOfTheWrongSideOrWithoutTlsIsRefusedNamingTheKey() {
        Conduit server = runtime("wrong-side");
        assertThatThrownBy(() -> server.listen(
                        Endpoint.parse("tcps://127.0.0.1:0").with(TlsOptions.SERVER_CONTEXT, clientContext),
                        Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("tls.serverContext")
                .hasMessageContaining("expected a server context");
        assertThatThrownBy(() -> server.listen(
                        Endpoint.parse("tcp://127.0.0.1:0").with(TlsOptions.SERVER_CONTEXT, serverContext),
                        Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("tls.serverContext is attached")
                .hasMessageContaining("TLS is off");
        assertThatThrownBy(() -> server.listen("tcps://127.0.0.1:0?tls.context=orders", Codecs.text()))
                .as("the JVM-wide registry's option is gone")
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("unknown option 'tls.context'");
    }
}
