package dev.conduit.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.Codecs;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Status, RpcException, Metadata, MethodDescriptor and CallOptions: the values of the public API. */
class ApiValuesTest {

    @Test
    void statusCodesHaveGrpcNumbers() {
        assertThat(Status.Code.OK.value()).isZero();
        assertThat(Status.Code.DEADLINE_EXCEEDED.value()).isEqualTo(4);
        assertThat(Status.Code.RESOURCE_EXHAUSTED.value()).isEqualTo(8);
        assertThat(Status.Code.UNIMPLEMENTED.value()).isEqualTo(12);
        assertThat(Status.Code.UNAVAILABLE.value()).isEqualTo(14);
        assertThat(Status.Code.UNAUTHENTICATED.value()).isEqualTo(16);
        assertThat(Status.Code.fromValue(99)).isEqualTo(Status.Code.UNKNOWN);
        for (Status.Code c : Status.Code.values()) {
            assertThat(Status.Code.fromValue(c.value())).isEqualTo(c);
        }
    }

    @Test
    void statusFromAThrowableUsesTheMessageOnly() {
        Status s = Status.fromThrowable(new IllegalStateException("disk full"));
        assertThat(s.code()).isEqualTo(Status.Code.UNKNOWN);
        assertThat(s.description()).isEqualTo("disk full");
        assertThat(s.toString()).isEqualTo("UNKNOWN: disk full");
        RpcException nested = Status.NOT_FOUND.withDescription("k").asException(Metadata.of("a", "b"));
        assertThat(Status.fromThrowable(new RuntimeException(nested))).isEqualTo(nested.status());
        assertThat(nested.trailers().get("a")).isEqualTo("b");
        assertThat(nested.getMessage()).isEqualTo("NOT_FOUND: k");
    }

    @Test
    void metadataKeepsOrderAndValidatesKeys() {
        Metadata md = new Metadata().put("a", "1").put("a", "2").putBinary("raw-bin", new byte[] {9});
        assertThat(md.get("a")).isEqualTo("2");
        assertThat(md.getAll("a")).containsExactly("1", "2");
        assertThat(md.keys()).containsExactly("a", "raw-bin");
        assertThat(md.copy().remove("a").size()).isEqualTo(1);
        assertThat(md.size()).isEqualTo(3);
        assertThatThrownBy(() -> md.put("Upper", "x")).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> md.put("x-bin", "x")).hasMessageContaining("putBinary");
        assertThatThrownBy(() -> md.putBinary("x", new byte[0])).hasMessageContaining("-bin");
        assertThatThrownBy(() -> md.put("big", "x".repeat(70_000))).hasMessageContaining("65535");
    }

    @Test
    void metadataGrowsMergesRemovesAndCopiesIndependently() {
        Metadata md = new Metadata();
        assertThat(md.isEmpty()).isTrue();
        assertThat(md.keys()).isEmpty();
        for (int i = 0; i < 9; i++) {
            md.put(i % 2 == 0 ? "even" : "k" + i, Integer.toString(i));
        }
        assertThat(md.size()).isEqualTo(9);
        assertThat(md.getAll("even")).containsExactly("0", "2", "4", "6", "8");
        Metadata copy = md.copy();
        md.remove("even");
        assertThat(md.size()).isEqualTo(4);
        assertThat(md.keys()).containsExactly("k1", "k3", "k5", "k7");
        assertThat(md.containsKey("even")).isFalse();
        assertThat(md.keyAt(3)).isEqualTo("k7");
        assertThatThrownBy(() -> md.keyAt(4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(copy.size()).as("a copy is not changed by its original").isEqualTo(9);
        assertThat(copy.get("even")).isEqualTo("8");
        md.merge(md);
        assertThat(md.getAll("k1")).containsExactly("1", "1");
        assertThat(new Metadata().merge(new Metadata()).isEmpty()).isTrue();
        assertThat(new Metadata().merge(copy).keyAt(8)).isEqualTo("even");
        assertThat(new String(copy.valueBytesAt(1), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("1");
    }

    @Test
    void methodNamesMustBeServiceSlashMethod() {
        MethodDescriptor<String, String> m =
                MethodDescriptor.of("pkg.Svc/Do", MethodType.BIDI_STREAMING, Codecs.text(), Codecs.text());
        assertThat(m.serviceName()).isEqualTo("pkg.Svc");
        assertThat(m.methodName()).isEqualTo("Do");
        assertThat(m.type().clientSendsOne()).isFalse();
        for (String bad : new String[] {"noslash", "/x", "x/", "a/b/c", "a b/c", "é/x"}) {
            assertThatThrownBy(() -> MethodDescriptor.of(bad, MethodType.UNARY, Codecs.text(), Codecs.text()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void callOptionsAreImmutable() {
        CallOptions base = CallOptions.DEFAULT;
        CallOptions timed = base.withTimeout(Duration.ofSeconds(1)).withWaitForReady();
        assertThat(base.timeout()).isNull();
        assertThat(base.isWaitForReady()).isFalse();
        assertThat(timed.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(timed.isWaitForReady()).isTrue();
        assertThatThrownBy(() -> base.withTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serviceDefinitionChecksMethodsBelongAndMatchTheirKind() {
        MethodDescriptor<String, String> unary =
                MethodDescriptor.of("pkg.Svc/U", MethodType.UNARY, Codecs.text(), Codecs.text());
        UnaryMethod<String, String> h = (req, out) -> {};
        assertThatThrownBy(() -> ServiceDefinition.builder("other.Svc").unary(unary, h))
                .hasMessageContaining("not a method of service other.Svc");
        assertThatThrownBy(() -> ServiceDefinition.builder("pkg.Svc").serverStreaming(unary, h))
                .hasMessageContaining("UNARY");
        assertThatThrownBy(() ->
                        ServiceDefinition.builder("pkg.Svc").unary(unary, h).unary(unary, h))
                .hasMessageContaining("twice");
    }
}
