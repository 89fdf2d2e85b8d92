package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Listener;
import dev.conduit.transport.socket.SocketProperties;
import dev.conduit.transport.socket.TlsOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TLS and mutual TLS over tcp: what is accepted, what is refused, and how a refusal looks on each side. */
class TlsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final TestPki pki = TestPki.get();
    private Conduit server;
    private Conduit client;

    @BeforeEach
    void runtimes() {
        server = Conduit.builder().name("tls-server").build();
        client = Conduit.builder().name("tls-client").build();
    }

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    @Test
    void mutualTlsExchangesMessagesAndEachSideSeesThePeerCertificate() throws Exception {
        Listener<String> listener = server.listen("tcps://127.0.0.1:0?" + pki.mutualServerOptions(), Codecs.text());
        Channel<String> channel = client.connect(
                "tcps://127.0.0.1:" + listener.endpoint().port() + "?" + pki.clientOptions("client"), Codecs.text());
        Channel<String> accepted = listener.accept(TIMEOUT);
        assertThat(accepted).isNotNull();
        assertThat(listener.endpoint().options())
                .as("the bound endpoint leaves out the listener's own key and certificate")
                .doesNotContainKeys("tls.cert", "tls.key")
                .containsKeys("tls.trust", "tls.clientAuth");

        channel.send("over tls");
        assertThat(accepted.receive(TIMEOUT)).isEqualTo("over tls");
        accepted.send("back");
        assertThat(channel.receive(TIMEOUT)).isEqualTo("back");

        X509Certificate clientCert =
                accepted.property(SocketProperties.PEER_CERTIFICATE).orElseThrow();
        assertThat(clientCert.getSubjectX500Principal().getName()).contains("OU=client");
        X509Certificate serverCert =
                channel.property(SocketProperties.PEER_CERTIFICATE).orElseThrow();
        assertThat(serverCert.getSubjectX500Principal().getName()).contains("OU=server");
        SSLSession session = channel.property(SocketProperties.TLS_SESSION).orElseThrow();
        assertThat(session.getProtocol()).startsWith("TLSv1.");
        assertThat(channel.remoteEndpoint().scheme()).isEqualTo("tcps");
    }

    @Test
    void plainTcpChannelHasNoCertificate() throws Exception {
        Listener<String> listener = server.listen("tcp://127.0.0.1:0", Codecs.text());
        Channel<String> channel = client.connect(listener.endpoint(), Codecs.text());
        assertThat(channel.property(SocketProperties.PEER_CERTIFICATE)).isEmpty();
        assertThat(channel.property(SocketProperties.TLS_SESSION)).isEmpty();
    }

    @Test
    void plaintextClientToTlsListenerFailsCleanlyAndTheListenerKeepsServing() throws Exception {
        Listener<String> listener = server.listen("tcps://127.0.0.1:0?" + pki.serverOptions(), Codecs.text());
        int port = listener.endpoint().port();

        Channel<String> plain = client.connect("tcp://127.0.0.1:" + port, Codecs.text());
        plain.send("hello in the clear");
        CloseReason reason = plain.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
        assertThatThrownBy(() -> plain.receive(TIMEOUT)).isInstanceOf(ChannelClosedException.class);

        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", port));
            raw.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = raw.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = raw.getInputStream();
            assertThat(readToEnd(in))
                    .as("the listener closes a non-TLS connection")
                    .isTrue();
        }

        assertThat(listener.accept(Duration.ZERO))
                .as("no channel for a failed handshake")
                .isNull();
        assertThat(listener.channels()).isEmpty();
        Channel<String> good =
                client.connect("tcps://127.0.0.1:" + port + "?" + pki.clientOptions(null), Codecs.text());
        Channel<String> accepted = listener.accept(TIMEOUT);
        good.send("still serving");
        assertThat(accepted.receive(TIMEOUT)).isEqualTo("still serving");
    }

    @Test
    void mutualTlsListenerRefusesAnUntrustedClientCertificateAndAClientWithout() throws Exception {
        Listener<String> listener = server.listen("tcps://127.0.0.1:0?" + pki.mutualServerOptions(), Codecs.text());
        String base = "tcps://127.0.0.1:" + listener.endpoint().port() + "?";

        assertRefused(base + pki.clientOptions("intruder"));
        assertRefused(base + pki.clientOptions(null));

        assertThat(listener.accept(Duration.ZERO))
                .as("refused clients get no channel")
                .isNull();
        Channel<String> trusted = client.connect(base + pki.clientOptions("client"), Codecs.text());
        trusted.send("trusted");
        assertThat(listener.accept(TIMEOUT).receive(TIMEOUT)).isEqualTo("trusted");
    }

    /** Under TLS 1.3 the client finishes its handshake before the server has checked its certificate. */
    private void assertRefused(String uri) throws Exception {
        Channel<String> channel;
        try {
            channel = client.connect(uri, Codecs.text());
        } catch (ConnectFailedException e) {
            assertThat(e).hasMessageContaining("TLS");
            return;
        }
        channel.send("let me in");
        CloseReason reason = channel.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(String.valueOf(reason.error())).containsIgnoringCase("certificate");
    }

    @Test
    void clientRefusesAServerItDoesNotTrust() {
        Listener<String> listener = server.listen("tcps://127.0.0.1:0?" + pki.serverOptions(), Codecs.text());
        assertThatThrownBy(() ->
                        client.connect("tcps://127.0.0.1:" + listener.endpoint().port(), Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("TLS handshake failed")
                .hasMessageContaining(":" + listener.endpoint().port());
    }

    @Test
    void tlsClientToPlaintextListenerFailsToConnectSayingWhy() {
        Listener<String> listener = server.listen("tcp://127.0.0.1:0", Codecs.text());
        assertThatThrownBy(() -> client.connect(
                        "tcps://127.0.0.1:" + listener.endpoint().port() + "?" + pki.clientOptions(null)
                                + "&connectTimeout=5s&tls.handshakeTimeout=5s",
                        Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("TLS handshake failed: ")
                .hasMessageContaining("(is it a plain tcp:// listener?)")
                .hasMessageNotContaining("Exception");
    }

    @Test
    void aClientsKeyPathIsNeverInItsErrors() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String uri = "tcps://127.0.0.1:" + closedPort + "?" + pki.clientOptions("client");
        assertThat(uri).contains(pki.key("client").toString());
        assertThatThrownBy(() -> client.connect(uri, Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("tls.key=***")
                .hasMessageNotContaining(pki.key("client").toString());
    }

    @Test
    void tlsCanBeTurnedOnForTcpByOption() throws Exception {
        Listener<String> listener = server.listen("tcp://127.0.0.1:0?tls=true&" + pki.serverOptions(), Codecs.text());
        Channel<String> channel = client.connect(
                "tcp://localhost:" + listener.endpoint().port() + "?tls=true&" + pki.clientOptions(null),
                Codecs.text());
        channel.send("by option");
        assertThat(listener.accept(TIMEOUT).receive(TIMEOUT)).isEqualTo("by option");
        assertThat(channel.property(SocketProperties.TLS_SESSION)).isPresent();
    }

    @Test
    void misconfiguredTlsIsRefusedWithAMessageThatSaysWhatIsMissing() {
        assertThatThrownBy(() -> server.listen("tcps://127.0.0.1:0", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("tls.cert and tls.key");
        assertThatThrownBy(() -> server.listen("tcp://127.0.0.1:0?tls.cert=/x.pem", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("TLS is off");
        assertThatThrownBy(() -> server.listen(
                        "tcps://127.0.0.1:0?tls.cert=/nonexistent.pem&tls.key=/nonexistent.key", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("/nonexistent.pem");
        assertThatThrownBy(() -> server.listen(
                        "tcps://127.0.0.1:0?" + pki.serverOptions() + "&tls.clientAuth=require", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("needs tls.trust");
    }

    @Test
    void aSilentClientIsDroppedWhenTheHandshakeTimesOut() throws Exception {
        Listener<String> listener = server.listen(
                "tcps://127.0.0.1:0?" + pki.serverOptions() + "&tls.handshakeTimeout=300ms", Codecs.text());
        // Well before the 10 s default: an option left unapplied would not hang up in time.
        Duration deadline = Duration.ofSeconds(5);
        assertThat(TlsOptions.HANDSHAKE_TIMEOUT.defaultValue()).isGreaterThan(deadline);
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", listener.endpoint().port()));
            long connected = System.nanoTime();
            raw.setSoTimeout((int) deadline.toMillis());
            assertThat(readToEnd(raw.getInputStream()))
                    .as("the listener hangs up within %s", deadline)
                    .isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - connected))
                    .as("not before the handshake timeout")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
        await().atMost(TIMEOUT).until(() -> server.stats().openChannels() == 0);
        assertThat(listener.accept(Duration.ZERO)).isNull();
    }

    /** Reads until the peer closes; true if it did (end of stream or reset), within the socket's timeout. */
    private static boolean readToEnd(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // discard whatever the server says before hanging up (a TLS alert, say)
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true; // connection reset
        }
    }
}
