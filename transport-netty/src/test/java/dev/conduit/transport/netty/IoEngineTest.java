package dev.conduit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IoEngineTest {
    @ParameterizedTest
    @EnumSource(IoEngine.class)
    void theEngineAUserNamesIsTheNettyEngineOfTheSameName(IoEngine io) {
        NettyEngine engine = NettyEngine.of(io);
        assertThat(engine.uriName()).isEqualTo(io.uriName());
        assertThat(Endpoint.parse("tcp://127.0.0.1:1?io=" + io.uriName()).get(IoEngine.OPTION))
                .isEqualTo(io);
    }

    @Test
    void withoutTheOptionTheEngineIsAuto() {
        assertThat(Endpoint.parse("tcp://127.0.0.1:1").get(IoEngine.OPTION)).isEqualTo(IoEngine.AUTO);
    }

    @Test
    void anUnknownEngineIsRejectedNamingTheChoices() {
        assertThatThrownBy(() -> Endpoint.parse("tcp://127.0.0.1:1?io=dpdk").get(IoEngine.OPTION))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("dpdk")
                .hasMessageContaining("io_uring");
    }
}
