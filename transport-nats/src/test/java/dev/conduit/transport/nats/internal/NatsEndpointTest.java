package dev.conduit.transport.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a nats:// URI may say, what it may not (refused before anything connects), and what it never prints. */
class NatsEndpointTest {
    private final Conduit conduit = Conduit.builder().name("endpoints").build();

    @AfterEach
    void close() {
        conduit.close();
    }

    @Test
    void serversCredentialsAndSubjectAreTakenApart() {
        NatsTarget t = NatsTarget.of(Endpoint.parse("nats://app:pw@n1:4223,[::1]:4224,n3/orders.eu?tls=true"));
        assertThat(t.servers()).containsExactly("n1:4223", "[::1]:4224", "n3:4222");
        assertThat(t.subject()).isEqualTo("orders.eu");
        assertThat(t.login().user()).isEqualTo("app");
        assertThat(t.login().password()).isEqualTo("pw");
        assertThat(t.serverUrls()).containsExactly("tls://n1:4223", "tls://[::1]:4224", "tls://n3:4222");
        assertThat(t.isStream()).isFalse();
        assertThat(NatsTarget.of(Endpoint.parse("nats://n1/stream/ORDERS")).streamName())
                .isEqualTo("ORDERS");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "nats://127.0.0.1:4222/orders.*       | a wildcard (* or >)",
                "nats://127.0.0.1:4222/orders.>       | a wildcard (* or >)",
                "nats://127.0.0.1:4222/or*ders        | a wildcard (* or >)",
                "nats://127.0.0.1:4222/new%20orders   | white space",
                "nats://127.0.0.1:4222/orders%09eu    | white space",
                "nats://127.0.0.1:4222/orders..eu     | an empty token",
                "nats://127.0.0.1:4222/orders.        | an empty token",
                "nats://127.0.0.1:4222/a/b            | a '/'",
                "nats://127.0.0.1:4222/_INBOX.abc     | reserved",
                "nats://127.0.0.1:4222/$JS.API.INFO   | reserved",
                "nats://127.0.0.1:4222                | names no subject",
                "nats://127.0.0.1:4222/               | names no subject",
                "nats://127.0.0.1:99999/orders        | expected a port from 1 to 65535",
                "nats://127.0.0.1:0/orders            | expected a port from 1 to 65535",
                "nats://127.0.0.1:4222,/orders        | expected host:port",
                "nats://tok@127.0.0.1:4222/orders     | a token goes in ?token=",
                "nats://127.0.0.1/orders?user=app     | sets only one of user and password",
                "nats://127.0.0.1/o?token=t&creds=/c  | pick one way to log in",
                "nats://127.0.0.1/o?tls.cert=/c.pem   | tls.cert and tls.key go together",
                "nats://127.0.0.1/o?heartbeat=1s      | at least three heartbeats",
                "nats://127.0.0.1/o?window=1k         | option window=1k is not valid",
                "nats://127.0.0.1/o?framing=line      | framing=line is not supported",
                "nats://127.0.0.1/o?reader=r          | reader=, which applies to JetStream streams only",
                "nats://127.0.0.1/o?replicas=3        | replicas=, which applies to JetStream streams only",
            })
    void badEndpointsAreRefusedBeforeAnythingConnectsSayingWhatWasExpected(String uri, String why) {
        assertThatThrownBy(() -> conduit.connect(uri, Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining(why);
        assertThatThrownBy(() -> conduit.listen(uri, Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining(why);
    }

    @Test
    void aListenerCannotNameAnInstance() {
        assertThatThrownBy(() -> conduit.listen("nats://127.0.0.1:4222/orders?instance=abc", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("instance= names an instance to connect to");
    }

    @Test
    void noServerReachableFailsNamingTheEndpointWithoutItsSecrets() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there now
        }
        String uri = "nats://127.0.0.1:" + port + "/orders?connectTimeout=2s";
        assertThatThrownBy(() -> conduit.connect(uri, Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("cannot connect to " + uri)
                .hasMessageContaining("no NATS server");
        assertThatThrownBy(() -> conduit.listen(uri, Codecs.text()))
                .isInstanceOf(dev.conduit.core.BindFailedException.class)
                .hasMessageContaining("cannot listen on " + uri)
                .hasMessageContaining("no NATS server");

        String withPassword = "nats://app:pw-in-address@127.0.0.1:" + port + "/orders?connectTimeout=2s";
        String withToken = "nats://127.0.0.1:" + port + "/orders?connectTimeout=2s&token=the-token";
        for (String secret : List.of(withPassword, withToken)) {
            assertThatThrownBy(() -> conduit.connect(secret, Codecs.text()))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessageContaining("127.0.0.1:" + port + "/orders")
                    .hasMessageContaining("***")
                    .satisfies(e -> assertThat(stackTraceOf(e)).doesNotContain("pw-in-address", "the-token"));
        }
    }

    private static String stackTraceOf(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
