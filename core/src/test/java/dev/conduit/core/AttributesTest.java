package dev.conduit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.internal.TransportRegistry;
import dev.conduit.core.spi.LinkConfig;
import org.junit.jupiter.api.Test;

/** Typed attributes: how they combine, how endpoints carry them, and that they never reach a URI or a message. */
class AttributesTest {
    private static final Attributes.Key<StringBuilder> SECRET = Attributes.Key.of("test.secret", StringBuilder.class);
    private static final Attributes.Key<Integer> LIMIT = Attributes.Key.of("test.limit", Integer.class);

    @Test
    void aCallsAttributesWinOverItsRuntimesAndTheRestComeFromTheRuntime() {
        Attributes runtime = Attributes.of(LIMIT, 1).with(SECRET, new StringBuilder("runtime"));
        Attributes call = Attributes.of(LIMIT, 2);
        Attributes merged = call.over(runtime);
        assertThat(merged.get(LIMIT)).isEqualTo(2);
        assertThat(merged.get(SECRET)).hasToString("runtime");
        assertThat(Attributes.empty().over(runtime)).isEqualTo(runtime);
        assertThat(Attributes.empty().get(LIMIT)).isNull();
    }

    @Test
    void keysWithOneNameAreStillTwoKeys() {
        Attributes.Key<Integer> other = Attributes.Key.of("test.limit", Integer.class);
        assertThat(Attributes.of(LIMIT, 1).get(other)).isNull();
    }

    @Test
    void endpointCopiesKeepTheirAttachmentsWhichNoUriCarries() {
        StringBuilder secret = new StringBuilder("do-not-print");
        Endpoint e = Endpoint.parse("inproc://a").with(SECRET, secret);
        Endpoint copy = e.with(ChannelOptions.MAX_FRAME, 1024).withAddress("b").without(ChannelOptions.MAX_FRAME);
        assertThat(copy.attributes().get(SECRET)).isSameAs(secret);
        assertThat(copy.toUri()).isEqualTo("inproc://b");
        assertThat(copy.toString()).doesNotContain("do-not-print");
        assertThat(copy.attributes().toString()).isEqualTo("[test.secret]");
        assertThat(Endpoint.parse(e.toUri()))
                .as("an attachment makes a different endpoint")
                .isNotEqualTo(e);
        assertThat(Endpoint.parse(e.toUri()).with(SECRET, secret)).isEqualTo(e);
        assertThat(e.withAttributes(Attributes.empty())).isEqualTo(Endpoint.parse("inproc://a"));
    }

    @Test
    void aTransportSeesTheEndpointsAttachmentsOverTheRuntimes() {
        TransportRegistry registry = TransportRegistry.load(getClass().getClassLoader());
        Endpoint e = Endpoint.parse("inproc://x").with(LIMIT, 7);
        LinkConfig config = registry.resolve(e, Attributes.of(LIMIT, 1).with(SECRET, new StringBuilder()))
                .config();
        assertThat(config.attributes().get(LIMIT)).isEqualTo(7);
        assertThat(config.attributes().get(SECRET)).isNotNull();
        assertThat(registry.resolve(e).config().attributes().get(SECRET)).isNull();
    }

    @Test
    void aValueOfTheWrongTypeIsRefused() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Attributes.Key<Object> raw = (Attributes.Key) LIMIT;
        assertThatThrownBy(() -> Attributes.of(raw, "not a number")).isInstanceOf(ClassCastException.class);
    }
}
