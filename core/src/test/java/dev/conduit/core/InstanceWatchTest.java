package dev.conduit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An endpoint of a transport with one peer per endpoint is its own only instance; bad endpoints are refused. */
class InstanceWatchTest {
    private final Conduit conduit = Conduit.builder().name("watch").build();

    @AfterEach
    void close() {
        conduit.close();
    }

    @Test
    void anEndpointOfAOnePeerTransportIsItsOwnOnlyInstanceReportedAtOnce() {
        Endpoint endpoint = Endpoint.parse("inproc://orders?maxFrame=64k");
        List<List<Endpoint>> reports = new CopyOnWriteArrayList<>();
        try (InstanceWatch watch = conduit.watchInstances(endpoint, reports::add)) {
            assertThat(reports).as("reported before watchInstances returns").containsExactly(List.of(endpoint));
            assertThat(watch.instances()).containsExactly(endpoint);
        }
        assertThat(reports).hasSize(1);
    }

    @Test
    void anUnknownSchemeOrOptionIsRefusedAsConnectWouldRefuseIt() {
        assertThatThrownBy(() -> conduit.watchInstances(Endpoint.parse("nope://x"), l -> {}))
                .isInstanceOf(TransportNotFoundException.class);
        assertThatThrownBy(() -> conduit.watchInstances(Endpoint.parse("inproc://x?maxFrme=1"), l -> {}))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("maxFrme");
    }
}
