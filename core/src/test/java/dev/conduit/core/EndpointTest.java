package dev.conduit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void aCharacterOutsideTheBmpInAPathSurvivesDecodingAndEncoding() {
        String path = "/tmp/a b/\uD83D\uDE00.sock"; // a space (escaped) and an emoji (two chars, one code point)
        Endpoint e = Endpoint.parse("unix:///tmp/a%20b/\uD83D\uDE00.sock");
        assertThat(e.address()).isEqualTo(path);
        assertThat(Endpoint.parse(e.toUri()).address()).isEqualTo(path);
        assertThat(Endpoint.parse("unix:///tmp/x?name=%41\uD83D\uDE00").options())
                .containsEntry("name", "A\uD83D\uDE00");
    }

    @Test
    void parsesSchemeAddressAndOptions() {
        Endpoint e = Endpoint.parse("TCP://127.0.0.1:7000?framing=line&maxFrame=64k");
        assertThat(e.scheme()).isEqualTo("tcp");
        assertThat(e.address()).isEqualTo("127.0.0.1:7000");
        assertThat(e.host()).isEqualTo("127.0.0.1");
        assertThat(e.port()).isEqualTo(7000);
        assertThat(e.get(ChannelOptions.FRAMING)).isEqualTo(Framing.LINE);
        assertThat(e.get(ChannelOptions.MAX_FRAME)).isEqualTo(65536);
        assertThat(e.get(ChannelOptions.HIGH_WATER)).as("default").isEqualTo(64 << 10);
        assertThat(e.find(ChannelOptions.IDLE)).isEmpty();
    }

    @Test
    void parsesPathsOpaqueFormsIpv6AndPercentEscapes() {
        assertThat(Endpoint.parse("unix:///run/my%20app.sock").address()).isEqualTo("/run/my app.sock");
        assertThat(Endpoint.parse("unix:@abstract").address()).isEqualTo("@abstract");
        assertThat(Endpoint.parse("pipe:").address()).isEmpty();
        Endpoint v6 = Endpoint.parse("tcp://[::1]:9");
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.port()).isEqualTo(9);
    }

    @Test
    void toStringParsesBackToAnEqualEndpoint() {
        for (String uri : List.of(
                "tcp://127.0.0.1:0?maxFrame=1m&idle=spin",
                "unix:///tmp/a%20b.sock",
                "unix:@name",
                "pipe:",
                "inproc://orders?connectTimeout=250ms")) {
            Endpoint e = Endpoint.parse(uri);
            assertThat(Endpoint.parse(e.toString())).isEqualTo(e);
        }
        assertThat(Endpoint.parse("tcp://h:1?maxFrame=64k").toString()).isEqualTo("tcp://h:1?maxFrame=64k");
    }

    @Test
    void secretsArePrintedAsStarsButKeptInTheUri() {
        Endpoint e = Endpoint.parse(
                "tcps://h:1?tls.cert=/etc/app/cert.pem&tls.key=/etc/app/secret.key&x.apiToken=t0k3n&tls.trust=/ca.pem");
        assertThat(e.toString())
                .isEqualTo("tcps://h:1?tls.cert=/etc/app/cert.pem&tls.key=***&x.apiToken=***&tls.trust=/ca.pem");
        assertThat(e.toUri()).contains("tls.key=/etc/app/secret.key").contains("x.apiToken=t0k3n");
        assertThat(Endpoint.parse(e.toUri())).isEqualTo(e);
        assertThat(Endpoint.parse("nats://alice:hunter2@h:4222/orders").toString())
                .isEqualTo("nats://alice:***@h:4222/orders");
        assertThat(Endpoint.parse("shm://orders@1234").toString()).isEqualTo("shm://orders@1234");
        assertThat(Endpoint.isSecret("tls.key")).isTrue();
        assertThat(Endpoint.isSecret("tls.clientAuth")).isFalse();
        assertThat(Endpoint.isSecret("maxFrame")).isFalse();
        assertThatThrownBy(() -> Option.integer("db.password", 0, 0, 9, "x").parse("s3cret"))
                .hasMessageNotContaining("s3cret")
                .hasMessageContaining("db.password=***");
    }

    @Test
    void typedOptionsCanBeSetInCode() {
        Endpoint e = Endpoint.of("tcp", "localhost:7000")
                .with(ChannelOptions.MAX_FRAME, 1024)
                .with(ChannelOptions.CONNECT_TIMEOUT, Duration.ofMillis(1500))
                .with(ChannelOptions.FRAMING, Framing.LINE);
        assertThat(e.toString()).isEqualTo("tcp://localhost:7000?maxFrame=1024&connectTimeout=1500ms&framing=line");
        assertThat(e.get(ChannelOptions.CONNECT_TIMEOUT)).isEqualTo(Duration.ofMillis(1500));
        assertThat(e.without(ChannelOptions.MAX_FRAME).options()).doesNotContainKey("maxFrame");
        assertThat(e.withAddress("localhost:7001").port()).isEqualTo(7001);
    }

    @Test
    void malformedUrisSayWhatWasExpected() {
        for (String bad : List.of(
                "",
                "no-scheme",
                "://x",
                "1tcp://x",
                "tcp://h:1?maxFrame",
                "tcp://h:1?a=1&a=2",
                "tcp://h:1#frag",
                "tcp://h:1?x=%zz")) {
            assertThatThrownBy(() -> Endpoint.parse(bad))
                    .as(bad)
                    .isInstanceOf(EndpointException.class)
                    .hasMessageContaining("expected scheme://address");
        }
    }

    @Test
    void badHostPortAndOptionValuesSayWhatWasExpected() {
        assertThatThrownBy(() -> Endpoint.parse("tcp://localhost").port())
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("expects host:port");
        assertThatThrownBy(() -> Endpoint.parse("tcp://h:99999").port())
                .hasMessageContaining("expected a number from 0 to 65535");
        assertThatThrownBy(() -> Endpoint.parse("tcp://h:1?maxFrame=lots").get(ChannelOptions.MAX_FRAME))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("maxFrame=lots")
                .hasMessageContaining("expected a size in bytes");
        assertThatThrownBy(() -> Endpoint.parse("tcp://h:1?framing=xml").get(ChannelOptions.FRAMING))
                .hasMessageContaining("one of length|line|none");
    }

    @Test
    void validateRejectsUnknownOptionsListingTheKnownOnes() {
        Endpoint e = Endpoint.parse("inproc://x?maxFrame=1k&fram=line");
        assertThatThrownBy(() -> e.validate(ChannelOptions.ALL))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("unknown option 'fram'")
                .hasMessageContaining("framing, maxFrame");
    }

    @Test
    void sizesAndDurationsAcceptUnits() {
        assertThat(ChannelOptions.MAX_FRAME.parse("2k")).isEqualTo(2048);
        assertThat(ChannelOptions.MAX_FRAME.parse("16m")).isEqualTo(16 << 20);
        assertThat(ChannelOptions.CONNECT_TIMEOUT.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ChannelOptions.CONNECT_TIMEOUT.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ChannelOptions.CONNECT_TIMEOUT.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ChannelOptions.CONNECT_TIMEOUT.parse("40")).isEqualTo(Duration.ofMillis(40));
        assertThatThrownBy(() -> ChannelOptions.MAX_FRAME.parse("4g")).isInstanceOf(EndpointException.class);
    }
}
